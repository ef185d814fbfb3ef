#pragma once

#include "support/HttpClient.h"

#include <QTcpSocket>

// A request sent now whose reply is read later: a held wait.
class OpenRequest
{
public:
    OpenRequest(quint16 port, const QByteArray &path)
    {
        m_socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        m_socket.waitForConnected(5000);
        m_socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\n\r\n");
        m_socket.waitForBytesWritten(5000);
    }
    // True when nothing has arrived within the time.
    bool isStillOpen(int ms = 200) { return !m_socket.waitForReadyRead(ms) && m_socket.bytesAvailable() == 0; }
    HttpResponse read()
    {
        QByteArray data;
        qsizetype headerEnd = -1;
        HttpResponse response;
        while (true) {
            headerEnd = data.indexOf("\r\n\r\n");
            if (headerEnd >= 0) {
                const qsizetype lengthAt = data.toLower().indexOf("content-length:");
                const qsizetype length = data.mid(lengthAt + 15, data.indexOf('\r', lengthAt) - lengthAt - 15).trimmed().toLongLong();
                if (data.size() >= headerEnd + 4 + length) {
                    response.status = data.mid(9, 3).toInt();
                    for (const QByteArray &line : data.left(headerEnd).split('\n').mid(1)) {
                        const qsizetype colon = line.indexOf(':');
                        response.headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
                    }
                    response.body = data.mid(headerEnd + 4, length);
                    return response;
                }
            }
            if (!m_socket.waitForReadyRead(10000))
                return response;
            data += m_socket.readAll();
        }
    }
    void close() { m_socket.abort(); }

private:
    QTcpSocket m_socket;
};
