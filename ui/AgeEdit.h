#pragma once

#include <QWidget>

class QComboBox;
class QSpinBox;

// An age as the Prune and Expiry dialogs ask for one: a number and its unit, minutes,
// hours or days ("7 days"; the unit's name follows the number).
class AgeEdit : public QWidget
{
    Q_OBJECT

public:
    enum Unit { Minutes, Hours, Days };
    // name + "Amount" and name + "Unit" name the spin box and the unit's list.
    AgeEdit(const QString &name, int amount, Unit unit, QWidget *parent = nullptr);

    qint64 seconds() const;
    // In the largest unit that divides it.
    void setSeconds(qint64 seconds);
    // "1 hour", "7 days".
    QString text() const;
    void setMinimum(int amount);

signals:
    void changed();

private:
    void nameUnits();

    QSpinBox *m_amount;
    QComboBox *m_unit;
};
