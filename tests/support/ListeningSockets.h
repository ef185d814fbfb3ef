#pragma once

#include <QStringList>

// The kernel's own list of sockets listening on port (Linux: /proc/net/tcp and
// tcp6), as "ADDRESS:PORT" in its hexadecimal notation: "0100007F:5DBF" is
// 127.0.0.1:23999. Empty where nothing listens, or without /proc.
QStringList listeningSockets(quint16 port);

// 127.0.0.1:port as listeningSockets() gives it.
QString loopbackSocket(quint16 port);
