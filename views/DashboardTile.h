#pragma once

#include <QPushButton>

class QLabel;

namespace passdeck {

// A Main Dashboard tile: icon, a large live count, a title and a detail line; a click opens
// the dashboard it stands for.
class DashboardTile : public QPushButton
{
    Q_OBJECT
public:
    DashboardTile(const QIcon &icon, const QString &title, QWidget *parent = nullptr);

    void setCount(int count, const QString &detail = {});
    int count() const { return m_count; }

private:
    QLabel *m_countLabel = nullptr;
    QLabel *m_detailLabel = nullptr;
    QString m_title;
    int m_count = 0;
};

} // namespace passdeck
