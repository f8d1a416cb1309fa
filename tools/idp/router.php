<?php
/*
 * php -S's router for SimpleSAMLphp's www folder: a file that exists (a page, an image, a style sheet) is served
 * as is; a path through a script (module.php/core/loginuserpass.php) runs that script with the rest as PATH_INFO.
 */
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$root = $_SERVER['DOCUMENT_ROOT'];
if ($path !== '/' && is_file($root . $path)) {
    return false;
}
if (preg_match('#^(/[^?]*?\.php)(/.*)?$#', $path, $m) && is_file($root . $m[1])) {
    $_SERVER['SCRIPT_NAME'] = $m[1];
    $_SERVER['SCRIPT_FILENAME'] = $root . $m[1];
    $_SERVER['PHP_SELF'] = $path;
    $_SERVER['PATH_INFO'] = $m[2] ?? '';
    chdir(dirname($root . $m[1]));
    require $root . $m[1];
    return true;
}
http_response_code(404);
echo "Not found\n";
