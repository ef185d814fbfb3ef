#pragma once

#include <QDialog>

class QLineEdit;
class QSpinBox;

// What the user asked for in the New etcd Token dialog.
struct EtcdTokenRequest
{
    int size = 3;  // members the cluster starts with
    QString label; // may be empty
};

// Asks for an etcd token's cluster size (3 unless changed) and an optional label.
class NewEtcdTokenDialog : public QDialog
{
    Q_OBJECT

public:
    explicit NewEtcdTokenDialog(QWidget *parent = nullptr);

    EtcdTokenRequest request() const;

private:
    QSpinBox *m_size;
    QLineEdit *m_label;
};
