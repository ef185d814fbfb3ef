#include "ListeningSockets.h"

#include <QFile>

QStringList listeningSockets(quint16 port)
{
    QStringList sockets;
    const QByteArray portHex = QStringLiteral(":%1").arg(port, 4, 16, QLatin1Char('0')).toUpper().toLatin1();
    for (const QString &table : {QStringLiteral("/proc/net/tcp"), QStringLiteral("/proc/net/tcp6")}) {
        QFile file(table);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray &row : file.readAll().split('\n')) {
            const QList<QByteArray> fields = row.simplified().split(' ');
            if (fields.size() > 3 && fields.at(1).endsWith(portHex) && fields.at(3) == "0A") // 0A: LISTEN
                sockets << QString::fromLatin1(fields.at(1));
        }
    }
    return sockets;
}

QString loopbackSocket(quint16 port)
{
    return QStringLiteral("0100007F:%1").arg(port, 4, 16, QLatin1Char('0')).toUpper();
}
