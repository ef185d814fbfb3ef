#include "NewEtcdTokenDialog.h"

#include "core/Validation.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

NewEtcdTokenDialog::NewEtcdTokenDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("New etcd Token"));
    auto *form = new QFormLayout;

    m_size = new QSpinBox;
    m_size->setObjectName(QStringLiteral("clusterSize"));
    m_size->setRange(1, Validation::MaxExpectedSize);
    m_size->setValue(EtcdTokenRequest().size);
    m_size->setSuffix(tr(" members"));
    form->addRow(tr("Cluster size:"), m_size);

    m_label = new QLineEdit;
    m_label->setObjectName(QStringLiteral("label"));
    // QLineEdit counts UTF-16 units: room for MaxLabelLength characters of any kind,
    // cut to that many in request().
    m_label->setMaxLength(2 * Validation::MaxLabelLength);
    m_label->setPlaceholderText(tr("optional, such as the cluster's name"));
    form->addRow(tr("Label:"), m_label);

    auto *hint = new QLabel(tr("etcd forms the cluster once this many members have registered.\n"
                               "Later members become proxies, or exit with --discovery-fallback exit."));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(hint);
    layout->addWidget(buttons);
    resize(std::max(420, sizeHint().width()), sizeHint().height());
}

EtcdTokenRequest NewEtcdTokenDialog::request() const
{
    return {m_size->value(), Validation::firstCharacters(m_label->text().trimmed(), Validation::MaxLabelLength).toString()};
}
