<?php
/* The demo GAR itself: its signing key and certificate are made by tools/saml_idp.py at each start. */
$metadata[getenv('IDP_ENTITY_ID')] = [
    'host' => '__DEFAULT__',
    'privatekey' => 'idp.key',
    'certificate' => 'idp.crt',
    'auth' => 'gar-demo',
    'saml20.sign.response' => true,
    'saml20.sign.assertion' => true,
    'assertion.lifetime' => 300,
    'NameIDFormat' => 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
    'attributes.NameFormat' => 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
];
