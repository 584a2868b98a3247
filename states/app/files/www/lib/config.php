<?php
// The application's configuration, rendered by halite from pillar and the inventory.
declare(strict_types=1);

function app_config(): array
{
    $path = getenv('APP_CONFIG') ?: '/etc/app/config.json';
    $text = @file_get_contents($path);
    if ($text === false) {
        throw new RuntimeException("cannot read the configuration $path");
    }
    $config = json_decode($text, true);
    if (!is_array($config)) {
        throw new RuntimeException("the configuration $path is not a JSON object");
    }
    return $config;
}

/** The configuration's secrets, to keep them out of every message the application prints. */
function app_secrets(array $config): array
{
    return array_values(array_filter([
        $config['mariadb']['password'] ?? '',
        $config['redis']['password'] ?? '',
    ], fn ($s) => is_string($s) && $s !== ''));
}

/** A message with every secret replaced. */
function app_redact(string $message, array $secrets): string
{
    foreach ($secrets as $s) {
        $message = str_replace([$s, rawurlencode($s)], '**REDACTED**', $message);
    }
    return $message;
}

/** A PDO connection to one MariaDB server as the application's user. */
function app_mariadb(array $config, string $server): PDO
{
    $db = $config['mariadb'];
    $dsn = sprintf('mysql:host=%s;port=%d;dbname=%s;charset=utf8mb4', $server, (int) $db['port'], $db['database']);
    return new PDO($dsn, $db['user'], $db['password'], [
        PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        PDO::ATTR_TIMEOUT => 3,
        PDO::ATTR_EMULATE_PREPARES => false,
    ]);
}
