#pragma once

#include <QHash>
#include <QList>
#include <QObject>

class QTableView;

namespace passdeck {

// Keeps a table's key columns on screen as its viewport narrows: the elastic columns (long
// names, elided with "…" and complete in their tooltips) give up width first, down to their
// minimums; the others keep the width they were fitted to. capture() records the fitted widths
// (call it after sizing the columns to their contents); every viewport resize applies them.
class ColumnFitter : public QObject
{
    Q_OBJECT
public:
    // elastic: column -> minimum width, in the order they give way.
    ColumnFitter(QTableView *table, QList<std::pair<int, int>> elastic);

    void capture();
    void apply();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    int contentWidth(int column) const;   // the widest of its first 200 cells and its heading

    QTableView *m_table;
    QList<std::pair<int, int>> m_elastic;
    QHash<int, int> m_natural;
    int m_firstWanted = 0;
    bool m_applying = false;
};

} // namespace passdeck
