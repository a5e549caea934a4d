#include "views/MovedHardwarePanel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace passdeck {

MovedHardwarePanel::MovedHardwarePanel(QWidget *parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("movedHardware"));
    setAccessibleName(tr("Hardware moved"));
    setFrameShape(QFrame::StyledPanel);
    // The warning banner's colours (MessageBanner): something waits for the administrator.
    setStyleSheet(QStringLiteral("#movedHardware { background: #fff4e5; border: 1px solid #e0a040; border-radius: 4px; }"));
    m_rows = new QVBoxLayout(this);
    hide();
}

void MovedHardwarePanel::setOffers(const QList<MovedOffer> &offers)
{
    m_offers = offers;
    while (QLayoutItem *item = m_rows->takeAt(0)) {
        if (QWidget *w = item->widget()) {
            // Deleted later (a button of it may be the one being clicked); renamed now so that
            // no one finds the old rows by name meanwhile.
            for (QWidget *child : w->findChildren<QWidget *>())
                child->setObjectName(QString());
            w->setObjectName(QString());
            w->hide();
            w->deleteLater();
        }
        delete item;
    }
    setVisible(!offers.isEmpty());
    if (offers.isEmpty())
        return;
    auto *heading = new QLabel(tr("<b>Hardware moved.</b> These cards were found at a new address after a refresh "
                                  "(another card was added or removed, so addresses renumbered). Their resource rules "
                                  "stay at the old address until you confirm."), this);
    heading->setObjectName(QStringLiteral("movedHardwareHeading"));
    heading->setWordWrap(true);
    m_rows->addWidget(heading);
    for (const MovedOffer &o : offers) {
        auto *row = new QWidget(this);
        auto *h = new QHBoxLayout(row);
        h->setContentsMargins(0, 0, 0, 0);
        const QString ids = QStringLiteral("%1:%2").arg(o.vendorId, 4, 16, QLatin1Char('0')).arg(o.deviceId, 4, 16, QLatin1Char('0'));
        const QString by = o.matchedBy == QLatin1String("serial") ? tr("serial number %1").arg(o.serialNumber)
                                                                  : tr("physical slot %1").arg(o.slot);
        auto *text = new QLabel(tr("Hardware moved: %1 %2 (group '%3') from <b>%4</b> to <b>%5</b>, recognised by its %6.")
                                    .arg(ids, o.deviceName.toHtmlEscaped(), o.groupName.toHtmlEscaped(), o.oldAddress,
                                         o.newAddress, by.toHtmlEscaped()), row);
        text->setObjectName(QStringLiteral("movedText_") + o.oldAddress);
        text->setWordWrap(true);
        auto *confirm = new QPushButton(tr("Confirm"), row);
        confirm->setObjectName(QStringLiteral("confirmMove_") + o.oldAddress);
        confirm->setAccessibleName(tr("Confirm the move of %1 to %2").arg(o.oldAddress, o.newAddress));
        confirm->setToolTip(tr("Move the resource rule (and what uses it) from %1 to %2.").arg(o.oldAddress, o.newAddress));
        auto *dismiss = new QPushButton(tr("Dismiss"), row);
        dismiss->setObjectName(QStringLiteral("dismissMove_") + o.oldAddress);
        dismiss->setAccessibleName(tr("Dismiss the move of %1 to %2").arg(o.oldAddress, o.newAddress));
        dismiss->setToolTip(tr("Not the same card: keep the rule at %1 and do not offer this again.").arg(o.oldAddress));
        connect(confirm, &QPushButton::clicked, this, [this, o] { Q_EMIT answered(o, true); });
        connect(dismiss, &QPushButton::clicked, this, [this, o] { Q_EMIT answered(o, false); });
        h->addWidget(text, 1);
        h->addWidget(confirm);
        h->addWidget(dismiss);
        m_rows->addWidget(row);
    }
}

QString MovedHardwarePanel::summaryHtml(const QList<MovedOffer> &offers)
{
    QStringList lines;
    for (const MovedOffer &o : offers)
        lines << tr("Hardware moved on node <a href=\"nav:node:%1\">%2</a>: %3 (group '%4') from <b>%5</b> to <b>%6</b>. "
                    "Confirm or dismiss it on the node's dashboard.")
                     .arg(QString::number(o.nodeId), o.nodeName.toHtmlEscaped(), o.deviceName.toHtmlEscaped(),
                          o.groupName.toHtmlEscaped(), o.oldAddress, o.newAddress);
    return lines.join(QStringLiteral("<br>"));
}

QPushButton *MovedHardwarePanel::confirmButton(const QString &oldAddress) const
{
    return findChild<QPushButton *>(QStringLiteral("confirmMove_") + oldAddress);
}

QPushButton *MovedHardwarePanel::dismissButton(const QString &oldAddress) const
{
    return findChild<QPushButton *>(QStringLiteral("dismissMove_") + oldAddress);
}

} // namespace passdeck
