<?php
// The application's front controller: /health reports every service it needs; / greets and counts
// the visits of the session (kept in Redis).
declare(strict_types=1);

require __DIR__ . '/../lib/config.php';
require __DIR__ . '/../lib/health.php';

$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH);

if ($path === '/health') {
    $report = health_report();
    http_response_code($report['status'] === 'ok' ? 200 : 503);
    header('Content-Type: application/json');
    header('Cache-Control: no-store');
    echo json_encode($report, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";
    exit;
}

if ($path === '/') {
    session_start();
    $_SESSION['visits'] = ($_SESSION['visits'] ?? 0) + 1;
    header('Content-Type: text/plain; charset=utf-8');
    echo 'Hello from ', gethostname(), ": visit {$_SESSION['visits']} of this session\n";
    exit;
}

http_response_code(404);
header('Content-Type: text/plain; charset=utf-8');
echo "not found\n";
