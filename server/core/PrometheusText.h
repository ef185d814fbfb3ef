#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

#include <initializer_list>

// Prometheus's text exposition format, version 0.0.4: what /metrics answers with.
// Each family is written once, its HELP and TYPE first, then its samples.
class PrometheusText
{
public:
    using Labels = QList<QPair<QByteArray, QString>>;

    enum class Type { Counter, Gauge, Histogram };
    void family(const char *name, Type type, const char *help);
    // name may carry a suffix of the family's (_bucket, _sum, _count).
    void sample(const char *name, const Labels &labels, double value);

    QByteArray text() const { return m_text; }
    static constexpr const char *ContentType = "text/plain; version=0.0.4; charset=utf-8";

private:
    QByteArray m_text;
};

// Counts of observations at or below each bound, as a Prometheus histogram keeps them.
class Histogram
{
public:
    explicit Histogram(std::initializer_list<double> bounds);
    void observe(double value);
    // Writes name_bucket (cumulative, with le), name_sum and name_count.
    void write(PrometheusText &out, const char *name, const PrometheusText::Labels &labels) const;

private:
    QList<double> m_bounds;
    QList<quint64> m_counts; // per bound, not cumulative; the last is +Inf
    double m_sum = 0;
    quint64 m_count = 0;
};
