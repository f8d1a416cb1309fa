<?php
/*
 * The service providers the demo GAR signs in to: identity (and, in the tests, a second one whose assertions
 * must not be accepted by identity). tools/saml_idp.py passes them as JSON: [{"entity_id", "acs"}, ...].
 */
foreach (json_decode(getenv('IDP_SERVICE_PROVIDERS') ?: '[]', true) as $sp) {
    $metadata[$sp['entity_id']] = [
        'AssertionConsumerService' => [
            ['Binding' => 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', 'Location' => $sp['acs']],
        ],
        'NameIDFormat' => 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
        'attributes.NameFormat' => 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
    ];
}
