#include "ServerErrorBanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

ServerErrorBanner::ServerErrorBanner(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("serverErrorBanner"));
    setAttribute(Qt::WA_StyledBackground);
    setStyleSheet(QStringLiteral("#serverErrorBanner { background: #fdecea; border: 1px solid #f5c2c0;"
                                 " border-radius: 4px; } QLabel { color: #8a1c1c; }"));
    m_text = new QLabel;
    m_text->setObjectName(QStringLiteral("serverErrorText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *settingsButton = new QPushButton(tr("Open Settings\u2026"));
    auto *retryButton = new QPushButton(tr("Try Again"));
    connect(settingsButton, &QPushButton::clicked, this, &ServerErrorBanner::openSettingsClicked);
    connect(retryButton, &QPushButton::clicked, this, &ServerErrorBanner::tryAgainClicked);

    auto *layout = new QHBoxLayout(this);
    layout->addWidget(m_text, 1);
    layout->addWidget(settingsButton);
    layout->addWidget(retryButton);
}

void ServerErrorBanner::setReason(const QString &reason)
{
    m_text->setText(tr("<b>The discovery server is not running:</b> %1.<br>"
                       "Choose another port or database file in the settings, then try again.")
                        .arg(reason.toHtmlEscaped()));
}

QString ServerErrorBanner::text() const
{
    return m_text->text();
}
