#pragma once

#include <QString>

#include <optional>
#include <utility>

// What asking for data gives: a value, or why the database could not answer (a full
// disk, a lost connection). "Not found" is a value, not a failure.
template <typename T>
class StoreResult
{
public:
    StoreResult(T value) : m_value(std::move(value)) {}
    static StoreResult failure(const QString &message)
    {
        StoreResult result;
        result.m_error = message.isEmpty() ? QStringLiteral("unknown database error") : message;
        return result;
    }

    bool ok() const { return m_value.has_value(); }
    const QString &error() const { return m_error; }
    const T &value() const { return *m_value; }
    const T *operator->() const { return &*m_value; }

private:
    StoreResult() = default;
    std::optional<T> m_value;
    QString m_error;
};
