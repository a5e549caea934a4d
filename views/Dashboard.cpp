#include "views/Dashboard.h"

#include "service/DomainService.h"
#include "service/TrackedNode.h"
#include "views/MainWindow.h"
#include "views/TableSetup.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QKeyEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QScrollArea>
#include <QToolButton>
#include <QVBoxLayout>

namespace passdeck {

namespace {
// A left-menu item: Enter and Return activate it as Space does, Up and Down move between items.
class MenuButton : public QToolButton
{
public:
    using QToolButton::QToolButton;

protected:
    void keyPressEvent(QKeyEvent *event) override
    {
        switch (event->key()) {
        case Qt::Key_Return:
        case Qt::Key_Enter:
            if (event->modifiers() == Qt::NoModifier || event->modifiers() == Qt::KeypadModifier) {
                animateClick();
                return;
            }
            break;
        case Qt::Key_Up:
        case Qt::Key_Down:
            if (moveFocus(event->key() == Qt::Key_Down))
                return;
            break;
        default:
            break;
        }
        QToolButton::keyPressEvent(event);
    }

private:
    bool moveFocus(bool down)
    {
        // The menu frame holds only menu items as buttons.
        const QList<QToolButton *> items = parentWidget()->findChildren<QToolButton *>(Qt::FindDirectChildrenOnly);
        QList<QToolButton *> usable;
        for (QToolButton *b : items)
            if (b->isVisible() && b->isEnabled())
                usable << b;
        const qsizetype i = usable.indexOf(this);
        if (i < 0 || usable.size() < 2)
            return false;
        const qsizetype next = (i + (down ? 1 : usable.size() - 1)) % usable.size();
        usable.at(next)->setFocus(down ? Qt::TabFocusReason : Qt::BacktabFocusReason);
        return true;
    }
};
} // namespace

Dashboard::Dashboard(MainWindow &window, const QString &dashboardId, qint64 argument, QWidget *parent)
    : QWidget(parent), m_window(window), m_id(dashboardId), m_argument(argument)
{
    setObjectName(QStringLiteral("dashboard_") + dashboardId);

    auto *outer = new QHBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);

    auto *menuFrame = new QFrame(this);
    menuFrame->setObjectName(QStringLiteral("leftMenu"));
    menuFrame->setAccessibleName(tr("Dashboard menu"));
    menuFrame->setFixedWidth(190);
    menuFrame->setStyleSheet(QStringLiteral(
        "QFrame#leftMenu { background: palette(alternate-base); border-right: 1px solid palette(mid); }"
        "QFrame#leftMenu QToolButton { text-align: left; padding: 6px 8px; border-radius: 4px; }"
        "QFrame#leftMenu QToolButton:hover { background: palette(midlight); }"
        "QFrame#leftMenu QToolButton:checked { background: palette(highlight); color: palette(highlighted-text); }"
        // The style sheet takes the style's focus rectangle away: the keyboard focus needs its own.
        "QFrame#leftMenu QToolButton:focus { border: 2px solid palette(highlight); padding: 4px 6px; }"
        "QFrame#leftMenu QLabel#menuHeading { font-weight: bold; padding: 10px 8px 2px 8px; }"));
    m_menu = new QVBoxLayout(menuFrame);
    m_menu->setContentsMargins(8, 8, 8, 8);
    m_menu->setSpacing(2);
    m_menu->addStretch(1);
    outer->addWidget(menuFrame);

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(16, 12, 16, 12);
    rightLayout->setSpacing(10);

    auto *heading = new QHBoxLayout;
    m_headingIcon = new QLabel(right);
    m_headingIcon->setFixedSize(36, 36);
    m_headingTitle = new QLabel(right);
    m_headingTitle->setObjectName(QStringLiteral("dashboardTitle"));
    QFont f = m_headingTitle->font();
    f.setPointSizeF(f.pointSizeF() * 1.5);
    f.setBold(true);
    m_headingTitle->setFont(f);
    m_headingSubtitle = new QLabel(right);
    m_headingSubtitle->setObjectName(QStringLiteral("dashboardSubtitle"));
    m_headingSubtitle->setWordWrap(true);
    setMuted(m_headingSubtitle);
    auto *titles = new QVBoxLayout;
    titles->setSpacing(0);
    titles->addWidget(m_headingTitle);
    titles->addWidget(m_headingSubtitle);
    heading->addWidget(m_headingIcon, 0, Qt::AlignTop);
    heading->addLayout(titles, 1);
    rightLayout->addLayout(heading);

    m_banner = new MessageBanner(right);
    rightLayout->addWidget(m_banner);
    connect(m_banner, &MessageBanner::linkActivated, this, [this](const QString &link) {
        if (link.startsWith(QLatin1String("nav:"))) {
            const QStringList parts = link.split(QLatin1Char(':'));
            m_window.navigate(parts.value(1), parts.value(2).toLongLong());
        } else {
            handleLink(link);
        }
    });

    m_progressRow = new QWidget(right);
    m_progressRow->setObjectName(QStringLiteral("dashboardProgressRow"));
    auto *progressLayout = new QHBoxLayout(m_progressRow);
    progressLayout->setContentsMargins(0, 0, 0, 0);
    m_progress = new QProgressBar(m_progressRow);
    m_progress->setObjectName(QStringLiteral("dashboardProgress"));
    m_progress->setAccessibleName(tr("Progress"));
    m_progress->setMaximumWidth(260);
    m_progress->setTextVisible(false);
    m_progressStep = new QLabel(m_progressRow);
    m_progressStep->setObjectName(QStringLiteral("dashboardProgressStep"));
    setMuted(m_progressStep);
    progressLayout->addWidget(m_progress);
    progressLayout->addWidget(m_progressStep, 1);
    m_progressRow->setVisible(false);
    rightLayout->addWidget(m_progressRow);

    m_contentArea = right;
    m_content = new QVBoxLayout;
    m_content->setSpacing(8);
    rightLayout->addLayout(m_content, 1);
    outer->addWidget(right, 1);

    connect(&window.service(), &DomainService::changed, this, &Dashboard::onStoreChanged);
}

DomainService &Dashboard::service() const
{
    return m_window.service();
}

QList<Crumb> Dashboard::breadcrumb() const
{
    return {{tr("Main Dashboard"), QStringLiteral("main"), 0}, {title(), m_id, m_argument}};
}

void Dashboard::showError(const Error &error, const QString &key)
{
    QString html = QStringLiteral("<b>%1</b>").arg(error.what.toHtmlEscaped());
    if (!error.why.isEmpty())
        html += QStringLiteral(": ") + error.why.toHtmlEscaped();
    if (!error.hint.isEmpty())
        html += QStringLiteral("<br>") + error.hint.toHtmlEscaped();
    m_banner->setNotice(key, MessageBanner::Level::Error, html);
}

void Dashboard::showSuccess(const QString &text, const QString &key)
{
    m_banner->setNotice(key, MessageBanner::Level::Success, text.toHtmlEscaped());
}

QToolButton *Dashboard::addMenuItem(const QString &objectName, const QIcon &icon, const QString &text,
                                    std::function<void()> action)
{
    auto *button = new MenuButton(m_menu->parentWidget());
    button->setObjectName(objectName);
    button->setAccessibleName(text);
    button->setText(text);
    button->setIcon(icon);
    button->setIconSize(QSize(20, 20));
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    button->setAutoRaise(true);
    button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    // Tab reaches it; a mouse click leaves the focus where it was (the table, the filter).
    button->setFocusPolicy(Qt::TabFocus);
    connect(button, &QToolButton::clicked, this, [action] { action(); });
    m_menu->insertWidget(m_menu->count() - 1, button);
    return button;
}

void Dashboard::addMenuHeading(const QString &text)
{
    auto *label = new QLabel(text.toUpper(), this);
    label->setObjectName(QStringLiteral("menuHeading"));
    setMuted(label);
    m_menu->insertWidget(m_menu->count() - 1, label);
}

void Dashboard::setHeading(const QIcon &icon, const QString &title, const QString &subtitle)
{
    m_headingIcon->setPixmap(icon.pixmap(36, 36));
    m_headingTitle->setText(title);
    m_headingSubtitle->setText(subtitle);
    m_headingSubtitle->setVisible(!subtitle.isEmpty());
    Q_EMIT headingChanged();
}

void Dashboard::showRebootNotices(const QList<RebootNotice> &notices)
{
    if (notices.isEmpty()) {
        m_banner->clearNotice(QStringLiteral("reboot"));
        return;
    }
    QStringList lines;
    for (const RebootNotice &n : notices) {
        lines << tr("Node <a href=\"nav:node:%1\">%2</a> must reboot for the change to take effect "
                    "(devices %3).")
                     .arg(n.nodeId)
                     .arg(n.nodeName.toHtmlEscaped(), n.devices.join(QStringLiteral(", ")));
    }
    lines << tr("Put the node in maintenance mode before you reboot it.");
    m_banner->setNotice(QStringLiteral("reboot"), MessageBanner::Level::Warning,
                        lines.join(QStringLiteral("<br>")));
}

void Dashboard::showUnreachableNodes(const QList<NodeInfo> &nodes)
{
    QStringList lines;
    for (const NodeInfo &n : nodes) {
        if (!n.unreachableSince.isValid())
            continue;
        lines << tr("<b>Node <a href=\"nav:node:%1\">%2</a> is unreachable since %3.</b> Its devices are shown as last "
                    "seen; changes that need the node are refused until it answers again.")
                     .arg(n.id)
                     .arg(n.name.toHtmlEscaped(), unreachableSinceText(n.unreachableSince).toHtmlEscaped());
    }
    if (lines.isEmpty()) {
        m_banner->clearNotice(QStringLiteral("unreachable"));
        return;
    }
    lines << tr("Passdeck tries again every 30 seconds; Nodes › Reconnect Now tries at once. Check that passdeckd runs "
                "on the node (systemctl status passdeckd) and that its port is open.");
    m_banner->setNotice(QStringLiteral("unreachable"), MessageBanner::Level::Warning, lines.join(QStringLiteral("<br>")));
}

Result<NodeReadiness> Dashboard::readinessOf(const NodeInfo &node) const
{
    if (!node.unreachableSince.isValid())
        return service().nodeReadiness(node.id);
    NodeReadiness r;
    r.reachable = false;
    r.reasons << tr("Node %1 is unreachable since %2: nothing can be passed through until it answers again.")
                     .arg(node.name, unreachableSinceText(node.unreachableSince));
    return r;
}

void Dashboard::askConfirmation(const QString &questionHtml, const QStringList &affected,
                                const QList<std::pair<QString, QString>> &choices)
{
    QString html = questionHtml;
    if (!affected.isEmpty()) {
        html += QStringLiteral("<ul style=\"margin-top: 2px; margin-bottom: 2px; margin-left: 14px; -qt-list-indent: 0;\">");
        for (const QString &line : affected)
            html += QStringLiteral("<li>%1</li>").arg(line.toHtmlEscaped());
        html += QStringLiteral("</ul>");
    } else {
        html += QStringLiteral("<br>");
    }
    QStringList links;
    for (const auto &[link, label] : choices)
        links << QStringLiteral("<a href=\"%1\">%2</a>").arg(link, label.toHtmlEscaped());
    html += links.join(QStringLiteral(" &nbsp;·&nbsp; "));
    m_banner->setNotice(QStringLiteral("confirm"), MessageBanner::Level::Warning, html);
    if (QLabel *label = m_banner->noticeLabel(QStringLiteral("confirm"))) {
        label->setFocusPolicy(Qt::StrongFocus);
        label->setFocus(Qt::OtherFocusReason);
    }
}

void Dashboard::focusContent()
{
    // The content is what the layout m_content holds, in order; its first table wins.
    QList<QWidget *> widgets;
    std::function<void(QLayout *)> collect = [&](QLayout *layout) {
        for (int i = 0; i < layout->count(); ++i) {
            QLayoutItem *item = layout->itemAt(i);
            if (item->widget())
                widgets << item->widget();
            else if (item->layout())
                collect(item->layout());
        }
    };
    collect(m_content);
    // In this window only: a combo box's popup list is a view of its own window.
    auto usable = [this](QWidget *w) {
        return w->window() == window() && w->isVisibleTo(this) && w->isEnabled() && (w->focusPolicy() & Qt::TabFocus);
    };
    for (QWidget *w : std::as_const(widgets)) {
        auto *view = qobject_cast<QAbstractItemView *>(w);
        const QList<QAbstractItemView *> views = w->findChildren<QAbstractItemView *>();
        if (!view) {
            for (QAbstractItemView *v : views) {
                if (usable(v)) {
                    view = v;
                    break;
                }
            }
        }
        if (view && usable(view)) {
            view->setFocus(Qt::OtherFocusReason);
            return;
        }
    }
    for (QWidget *w : std::as_const(widgets)) {
        if (usable(w)) {
            w->setFocus(Qt::OtherFocusReason);
            return;
        }
        for (QWidget *c : w->findChildren<QWidget *>()) {
            if (usable(c)) {
                c->setFocus(Qt::OtherFocusReason);
                return;
            }
        }
    }
    m_contentArea->setFocus(Qt::OtherFocusReason);
}

void Dashboard::handleLink(const QString &) {}

void Dashboard::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    // A minimised window hides nothing the administrator left.
    if (event->spontaneous())
        return;
    m_banner->clearNotice(QStringLiteral("confirm"));
    m_banner->clearTransient();
}

void Dashboard::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_stale) {
        m_stale = false;
        refresh();
    }
}

void Dashboard::onStoreChanged()
{
    if (isVisible())
        refresh();
    else
        m_stale = true;
}

void Dashboard::setBusy(bool on)
{
    m_busyCount += on ? 1 : -1;
    if (on && m_busyCount == 1) {
        setCursor(Qt::BusyCursor);
        m_progress->setRange(0, 0);
        m_progressStep->clear();
        m_progressRow->setVisible(true);
    } else if (!on && m_busyCount == 0) {
        unsetCursor();
        m_progressRow->setVisible(false);
    }
}

std::function<void(int, int, const QString &)> Dashboard::progressReporter()
{
    QProgressBar *bar = m_progress;
    QLabel *step = m_progressStep;
    return [bar, step](int done, int total, const QString &text) {
        QMetaObject::invokeMethod(bar, [bar, step, done, total, text] {
            bar->setRange(0, qMax(total, 1));
            bar->setValue(qBound(0, done, qMax(total, 1)));
            step->setText(text);
        }, Qt::QueuedConnection);
    };
}

} // namespace passdeck
