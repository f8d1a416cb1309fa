<?php
/*
 * SimpleSAMLphp (Debian's package) as the demo GAR: the identity provider of `make up` and of the tests.
 * tools/saml_idp.py starts it with `php -S`, the environment saying where it listens and where its run files
 * go (a throw-away signing key and certificate made at each start, sessions, logs). Nothing secret lives here.
 */
$run = getenv('IDP_RUN_DIR');
$config = [
    'baseurlpath' => getenv('IDP_BASE_URL'),  // http://127.0.0.1:<port>/, the www folder served at the root
    'certdir' => $run . '/cert/',
    'loggingdir' => $run . '/log/',
    'datadir' => $run . '/data/',
    'tempdir' => $run . '/tmp',
    'metadatadir' => __DIR__ . '/../metadata/',
    'attributenamemapdir' => '/usr/share/simplesamlphp/attributemap/',
    'technicalcontact_name' => 'Demo GAR',
    'technicalcontact_email' => 'gar@demo.example.org',
    'timezone' => 'UTC',
    'secretsalt' => getenv('IDP_SECRET_SALT'),
    'auth.adminpassword' => getenv('IDP_SECRET_SALT'),  // the admin pages are not used
    'admin.protectindexpage' => true,
    'admin.protectmetadata' => false,
    'admin.checkforupdates' => false,
    'trusted.url.domains' => [],
    'enable.http_post' => false,
    'assertion.allowed_clock_skew' => 180,
    'debug' => ['saml' => false, 'backtraces' => false, 'validatexml' => false],
    'showerrors' => true,
    'errorreporting' => false,
    'logging.level' => SimpleSAML\Logger::NOTICE,
    'logging.handler' => 'file',
    'logging.logfile' => 'simplesamlphp.log',
    'statistics.out' => [],
    'enable.saml20-idp' => true,
    'enable.shib13-idp' => false,
    'enable.adfs-idp' => false,
    'module.enable' => ['exampleauth' => true, 'core' => true, 'saml' => true, 'admin' => false],
    'store.type' => 'phpsession',
    'session.duration' => 8 * 60 * 60,
    'session.datastore.timeout' => 4 * 60 * 60,
    'session.state.timeout' => 60 * 60,
    'session.cookie.name' => 'SimpleSAMLSessionID',
    'session.cookie.lifetime' => 0,
    'session.cookie.path' => '/',
    'session.cookie.domain' => null,
    'session.cookie.secure' => false,  // plain HTTP on the loopback
    'session.cookie.samesite' => null,
    'session.phpsession.cookiename' => 'SimpleSAML',
    'session.phpsession.savepath' => $run . '/sessions',
    'session.phpsession.httponly' => true,
    'session.authtoken.cookiename' => 'SimpleSAMLAuthToken',
    'session.rememberme.enable' => false,
    'language.available' => ['fr', 'en'],
    'language.default' => 'fr',
    'language.cookie.secure' => false,
    'theme.use' => 'default',
    'template.auto_reload' => false,
    'production' => false,
    'authproc.idp' => [],
];
