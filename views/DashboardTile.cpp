#include "views/DashboardTile.h"

#include "views/TableSetup.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace passdeck {

DashboardTile::DashboardTile(const QIcon &icon, const QString &title, QWidget *parent)
    : QPushButton(parent), m_title(title)
{
    setMinimumSize(250, 120);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setCursor(Qt::PointingHandCursor);
    setStyleSheet(QStringLiteral(
        "passdeck--DashboardTile { background: palette(base); border: 1px solid palette(mid);"
        " border-radius: 8px; text-align: left; }"
        "passdeck--DashboardTile:hover { border: 2px solid palette(highlight); }"
        "passdeck--DashboardTile:focus { border: 2px solid palette(highlight); }"));
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(18, 14, 18, 14);
    row->setSpacing(16);
    auto *iconLabel = new QLabel(this);
    iconLabel->setPixmap(icon.pixmap(56, 56));
    auto *col = new QVBoxLayout;
    col->setSpacing(2);
    m_countLabel = new QLabel(QStringLiteral("0"), this);
    m_countLabel->setObjectName(QStringLiteral("tileCount"));
    QFont big = m_countLabel->font();
    big.setPointSizeF(big.pointSizeF() * 2.4);
    big.setBold(true);
    m_countLabel->setFont(big);
    auto *titleLabel = new QLabel(title, this);
    QFont tf = titleLabel->font();
    tf.setBold(true);
    tf.setPointSizeF(tf.pointSizeF() * 1.15);
    titleLabel->setFont(tf);
    m_detailLabel = new QLabel(this);
    m_detailLabel->setObjectName(QStringLiteral("tileDetail"));
    setMuted(m_detailLabel);
    col->addWidget(m_countLabel);
    col->addWidget(titleLabel);
    col->addWidget(m_detailLabel);
    row->addWidget(iconLabel, 0, Qt::AlignVCenter);
    row->addLayout(col, 1);
    for (QLabel *l : {iconLabel, m_countLabel, titleLabel, m_detailLabel})
        l->setAttribute(Qt::WA_TransparentForMouseEvents);
    setAccessibleName(title);
}

void DashboardTile::setCount(int count, const QString &detail)
{
    m_count = count;
    m_countLabel->setText(QString::number(count));
    m_detailLabel->setText(detail);
    m_detailLabel->setVisible(!detail.isEmpty());
    setAccessibleName(tr("%1: %2").arg(m_title).arg(count));
}

} // namespace passdeck
