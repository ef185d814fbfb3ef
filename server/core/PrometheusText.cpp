#include "PrometheusText.h"

#include <QLocale>

#include <cmath>

namespace {

void appendNumber(QByteArray &out, double value)
{
    if (std::isinf(value)) {
        out += value > 0 ? "+Inf" : "-Inf";
        return;
    }
    if (value == std::floor(value) && std::fabs(value) < 1e15) {
        out += QByteArray::number(qint64(value));
        return;
    }
    // The shortest text that reads back as the same double, never in the locale's
    // format; bucket bounds such as 0.0005 read as written.
    const bool plain = std::fabs(value) >= 1e-6 && std::fabs(value) < 1e15;
    out += QByteArray::number(value, plain ? 'f' : 'g', QLocale::FloatingPointShortest);
}

// Label values escape backslash, double quote and newline; HELP escapes backslash
// and newline.
void appendEscaped(QByteArray &out, const QByteArray &text, bool quote)
{
    for (const char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (quote && c == '"')
            out += "\\\"";
        else
            out += c;
    }
}

} // namespace

void PrometheusText::family(const char *name, Type type, const char *help)
{
    m_text += "# HELP ";
    m_text += name;
    m_text += ' ';
    appendEscaped(m_text, help, false);
    m_text += "\n# TYPE ";
    m_text += name;
    m_text += type == Type::Counter ? " counter\n" : type == Type::Gauge ? " gauge\n" : " histogram\n";
}

void PrometheusText::sample(const char *name, const Labels &labels, double value)
{
    m_text += name;
    if (!labels.isEmpty()) {
        m_text += '{';
        for (qsizetype i = 0; i < labels.size(); ++i) {
            if (i > 0)
                m_text += ',';
            m_text += labels.at(i).first;
            m_text += "=\"";
            appendEscaped(m_text, labels.at(i).second.toUtf8(), true);
            m_text += '"';
        }
        m_text += '}';
    }
    m_text += ' ';
    appendNumber(m_text, value);
    m_text += '\n';
}

Histogram::Histogram(std::initializer_list<double> bounds) : m_bounds(bounds), m_counts(m_bounds.size() + 1, 0)
{
}

void Histogram::observe(double value)
{
    qsizetype i = 0;
    while (i < m_bounds.size() && value > m_bounds.at(i))
        ++i;
    ++m_counts[i];
    m_sum += value;
    ++m_count;
}

void Histogram::write(PrometheusText &out, const char *name, const PrometheusText::Labels &labels) const
{
    const QByteArray bucket = QByteArray(name) + "_bucket";
    quint64 cumulative = 0;
    for (qsizetype i = 0; i <= m_bounds.size(); ++i) {
        cumulative += m_counts.at(i);
        QByteArray le;
        appendNumber(le, i < m_bounds.size() ? m_bounds.at(i) : INFINITY);
        PrometheusText::Labels withBound = labels;
        withBound.append({QByteArrayLiteral("le"), QString::fromLatin1(le)});
        out.sample(bucket.constData(), withBound, double(cumulative));
    }
    out.sample((QByteArray(name) + "_sum").constData(), labels, m_sum);
    out.sample((QByteArray(name) + "_count").constData(), labels, double(m_count));
}
