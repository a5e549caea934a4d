#include "views/MessageBanner.h"

#include "models/Icons.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPalette>
#include <QPointer>
#include <QTimer>
#include <QTextDocument>
#include <QToolButton>
#include <QVBoxLayout>

namespace passdeck {

namespace {
// Light backgrounds with dark text and a strong left edge: legible on light and dark palettes.
QString styleFor(MessageBanner::Level level)
{
    const char *bg = "#ebf8ff", *edge = "#3182ce";
    switch (level) {
    case MessageBanner::Level::Info: break;
    case MessageBanner::Level::Success: bg = "#f0fff4"; edge = "#38a169"; break;
    case MessageBanner::Level::Warning: bg = "#fffbeb"; edge = "#d69e2e"; break;
    case MessageBanner::Level::Error: bg = "#fff5f5"; edge = "#e53e3e"; break;
    }
    return QStringLiteral("QFrame#notice { background: %1; border: 1px solid %2; border-left: 5px solid %2;"
                          " border-radius: 4px; } QFrame#notice QLabel { color: #1a202c; background: transparent; }"
                                                    " QFrame#notice QToolButton { color: #1a202c; background: transparent; border: none;"
                          " font-size: 14pt; padding: 0 4px; }"
                          " QFrame#notice QToolButton:hover { background: rgba(0, 0, 0, 0.08); border-radius: 3px; }")
        .arg(QLatin1String(bg), QLatin1String(edge));
}

QIcon iconFor(MessageBanner::Level level)
{
    switch (level) {
    case MessageBanner::Level::Info: return Icons::info();
    case MessageBanner::Level::Success: return Icons::ok();
    case MessageBanner::Level::Warning: return Icons::warning();
    case MessageBanner::Level::Error: break;
    }
    return Icons::blocker();
}

int g_transientTimeout = 20000;

bool isTransient(MessageBanner::Level level)
{
    return level == MessageBanner::Level::Success || level == MessageBanner::Level::Info;
}
} // namespace

int MessageBanner::transientTimeout()
{
    return g_transientTimeout;
}

void MessageBanner::setTransientTimeout(int ms)
{
    g_transientTimeout = ms;
}

MessageBanner::MessageBanner(QWidget *parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("messageBanner"));
    setAccessibleName(tr("Messages"));
    m_layout = new QVBoxLayout(this);
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(6);
    setVisible(false);
}

void MessageBanner::setNotice(const QString &key, Level level, const QString &html)
{
    clearNotice(key);
    auto *frame = new QFrame(this);
    frame->setObjectName(QStringLiteral("notice"));
    frame->setStyleSheet(styleFor(level));
    auto *row = new QHBoxLayout(frame);
    row->setContentsMargins(10, 8, 6, 8);
    auto *icon = new QLabel(frame);
    icon->setPixmap(iconFor(level).pixmap(22, 22));
    icon->setAlignment(Qt::AlignTop);
    auto *label = new QLabel(html, frame);
    label->setObjectName(QStringLiteral("banner_") + key);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setTextInteractionFlags(Qt::TextBrowserInteraction);
    label->setOpenExternalLinks(false);
    // The banner is light on every palette: its links need a dark blue, whatever the theme's.
    QPalette linkPalette = label->palette();
    linkPalette.setColor(QPalette::Link, QColor(0x2b, 0x6c, 0xb0));
    label->setPalette(linkPalette);
    QTextDocument doc;
    doc.setHtml(html);
    label->setAccessibleName(doc.toPlainText());
    connect(label, &QLabel::linkActivated, this, &MessageBanner::linkActivated);
    auto *close = new QToolButton(frame);
    close->setObjectName(QStringLiteral("bannerClose_") + key);
    close->setAccessibleName(tr("Dismiss message"));
    close->setText(QStringLiteral("×"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Dismiss"));
    connect(close, &QToolButton::clicked, this, [this, key] { clearNotice(key); });
    row->addWidget(icon);
    row->addWidget(label, 1);
    row->addWidget(close, 0, Qt::AlignTop);
    m_layout->addWidget(frame);
    m_notices.insert(key, frame);
    m_levels.insert(key, level);
    setVisible(true);
    if (isTransient(level)) {
        // Only this notice: a newer one under the same key has its own timer.
        QPointer<QFrame> guard(frame);
        QTimer::singleShot(g_transientTimeout, this, [this, key, guard] {
            if (guard && m_notices.value(key) == guard)
                clearNotice(key);
        });
    }
}

void MessageBanner::clearNotice(const QString &key)
{
    QFrame *frame = m_notices.take(key);
    m_levels.remove(key);
    if (frame) {
        frame->hide();
        frame->deleteLater();
    }
    setVisible(!m_notices.isEmpty());
}

void MessageBanner::clearAll()
{
    const QStringList all = m_notices.keys();
    for (const QString &k : all)
        clearNotice(k);
}

void MessageBanner::clearTransient()
{
    const QStringList all = m_notices.keys();
    for (const QString &k : all) {
        if (isTransient(m_levels.value(k)))
            clearNotice(k);
    }
}

bool MessageBanner::hasNotice(const QString &key) const
{
    return m_notices.contains(key);
}

QLabel *MessageBanner::noticeLabel(const QString &key) const
{
    QFrame *frame = m_notices.value(key);
    return frame ? frame->findChild<QLabel *>(QStringLiteral("banner_") + key) : nullptr;
}

QString MessageBanner::noticeText(const QString &key) const
{
    QLabel *label = noticeLabel(key);
    return label ? label->accessibleName() : QString();
}

} // namespace passdeck
