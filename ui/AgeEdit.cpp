#include "AgeEdit.h"

#include "Plural.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QSpinBox>

#include <algorithm>
#include <iterator>

namespace {

struct UnitName
{
    qint64 seconds;
    const char *one;
    const char *many;
};
constexpr UnitName Units[] = {{60, QT_TRANSLATE_NOOP("AgeEdit", "minute"), QT_TRANSLATE_NOOP("AgeEdit", "minutes")},
                              {3600, QT_TRANSLATE_NOOP("AgeEdit", "hour"), QT_TRANSLATE_NOOP("AgeEdit", "hours")},
                              {86400, QT_TRANSLATE_NOOP("AgeEdit", "day"), QT_TRANSLATE_NOOP("AgeEdit", "days")}};

} // namespace

AgeEdit::AgeEdit(const QString &name, int amount, Unit unit, QWidget *parent)
    : QWidget(parent), m_amount(new QSpinBox), m_unit(new QComboBox)
{
    m_amount->setObjectName(name + QStringLiteral("Amount"));
    m_amount->setRange(0, 9999);
    m_amount->setValue(amount);
    m_unit->setObjectName(name + QStringLiteral("Unit"));
    for (int i = 0; i < int(std::size(Units)); ++i)
        m_unit->addItem(QString());
    m_unit->setCurrentIndex(unit);
    nameUnits();
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_amount);
    layout->addWidget(m_unit);
    connect(m_amount, &QSpinBox::valueChanged, this, &AgeEdit::nameUnits);
    connect(m_amount, &QSpinBox::valueChanged, this, &AgeEdit::changed);
    connect(m_unit, &QComboBox::currentIndexChanged, this, &AgeEdit::changed);
}

void AgeEdit::nameUnits()
{
    for (int i = 0; i < m_unit->count(); ++i)
        m_unit->setItemText(i, tr(m_amount->value() == 1 ? Units[i].one : Units[i].many)); // "1 hour", "2 hours"
}

qint64 AgeEdit::seconds() const
{
    return m_amount->value() * Units[std::clamp(m_unit->currentIndex(), 0, int(std::size(Units)) - 1)].seconds;
}

void AgeEdit::setSeconds(qint64 seconds)
{
    for (int i = int(std::size(Units)) - 1; i >= 0; --i) {
        if (seconds % Units[i].seconds == 0 || i == 0) {
            m_unit->setCurrentIndex(i);
            m_amount->setValue(int(seconds / Units[i].seconds));
            return;
        }
    }
}

QString AgeEdit::text() const
{
    const UnitName &unit = Units[std::clamp(m_unit->currentIndex(), 0, int(std::size(Units)) - 1)];
    return countOf(m_amount->value(), tr(unit.one), tr(unit.many));
}

void AgeEdit::setMinimum(int amount)
{
    m_amount->setMinimum(amount);
}
