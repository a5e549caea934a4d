#pragma once

#include "service/MovedHardware.h"

#include <QFrame>
#include <QList>

class QPushButton;
class QVBoxLayout;

namespace passdeck {

// "Hardware moved": one row per rule whose card a refresh found at another address
// (docs/moved-hardware.md), with both addresses, what recognised the card, and Confirm and
// Dismiss buttons. It only shows and asks; the dashboard answers through the service.
// Hidden while nothing moved.
class MovedHardwarePanel : public QFrame
{
    Q_OBJECT
public:
    explicit MovedHardwarePanel(QWidget *parent = nullptr);

    void setOffers(const QList<MovedOffer> &offers);
    // For a banner elsewhere (the Resource Manager): each offer with both addresses and a link
    // to its node's dashboard, where it is confirmed.
    static QString summaryHtml(const QList<MovedOffer> &offers);
    const QList<MovedOffer> &offers() const { return m_offers; }
    // objectNames "confirmMove_<old address>" and "dismissMove_<old address>".
    QPushButton *confirmButton(const QString &oldAddress) const;
    QPushButton *dismissButton(const QString &oldAddress) const;

Q_SIGNALS:
    void answered(const MovedOffer &offer, bool confirm);

private:
    QVBoxLayout *m_rows = nullptr;
    QList<MovedOffer> m_offers;
};

} // namespace passdeck
