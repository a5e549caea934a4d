#include "views/ColumnFitter.h"

#include <QAbstractItemModel>
#include <QEvent>
#include <QFontMetrics>
#include <QHeaderView>
#include <QScrollBar>
#include <QTableView>

namespace passdeck {

ColumnFitter::ColumnFitter(QTableView *table, QList<std::pair<int, int>> elastic)
    : QObject(table), m_table(table), m_elastic(std::move(elastic))
{
    m_table->viewport()->installEventFilter(this);
}

void ColumnFitter::capture()
{
    m_natural.clear();
    const QHeaderView *header = m_table->horizontalHeader();
    const int last = header->count() - 1;
    for (int c = 0; c < last; ++c)
        m_natural.insert(c, header->sectionSize(c));
    // The stretched last column's size is whatever was left over: its contents say what it needs.
    if (last >= 0)
        m_natural.insert(last, qMin(contentWidth(last), 200));
    // Room to spare goes to the first elastic column (the long names), up to its full text.
    m_firstWanted = m_elastic.isEmpty() ? 0 : contentWidth(m_elastic.first().first);
    apply();
}

int ColumnFitter::contentWidth(int column) const
{
    const QAbstractItemModel *model = m_table->model();
    const QFontMetrics fm = m_table->fontMetrics();
    int wanted = m_table->horizontalHeader()->sectionSizeHint(column);
    for (int r = 0; r < qMin(model->rowCount(), 200); ++r)
        wanted = qMax(wanted, fm.horizontalAdvance(model->index(r, column).data().toString()) + 12);
    return wanted;
}

void ColumnFitter::apply()
{
    if (m_natural.isEmpty() || m_applying)
        return;
    m_applying = true;
    QHeaderView *header = m_table->horizontalHeader();
    const int last = header->count() - 1;
    int fixed = 0;
    int elasticNatural = 0;
    QHash<int, int> minimum;
    for (const auto &[column, min] : m_elastic)
        minimum.insert(column, min);
    for (int c = 0; c <= last; ++c) {
        if (header->isSectionHidden(c))
            continue;
        if (minimum.contains(c))
            elasticNatural += m_natural.value(c);
        else
            fixed += m_natural.value(c);   // the stretched last column needs its width too
    }
    const int available = m_table->viewport()->width();
    const int budget = available - fixed;
    if (budget >= elasticNatural) {
        for (const auto &[column, min] : m_elastic)
            header->resizeSection(column, m_natural.value(column));
        const int first = m_elastic.isEmpty() ? -1 : m_elastic.first().first;
        const int extra = qMin(budget - elasticNatural, m_firstWanted - m_natural.value(first));
        if (first >= 0 && extra > 0 && !header->isSectionHidden(first))
            header->resizeSection(first, m_natural.value(first) + extra);
    } else {
        // Shrink in proportion to the fitted widths, never under a column's minimum.
        int over = elasticNatural - qMax(budget, 0);
        QHash<int, int> width;
        for (const auto &[column, min] : m_elastic)
            width.insert(column, m_natural.value(column));
        for (int pass = 0; pass < 3 && over > 0; ++pass) {
            int shrinkable = 0;
            for (const auto &[column, min] : m_elastic)
                if (!header->isSectionHidden(column))
                    shrinkable += qMax(0, width.value(column) - min);
            if (shrinkable == 0)
                break;
            int taken = 0;
            for (const auto &[column, min] : m_elastic) {
                if (header->isSectionHidden(column))
                    continue;
                const int room = qMax(0, width.value(column) - min);
                const int cut = qMin(room, int((qint64(over) * room + shrinkable - 1) / shrinkable));
                width[column] -= cut;
                taken += cut;
            }
            over -= taken;
        }
        for (const auto &[column, min] : m_elastic)
            header->resizeSection(column, width.value(column));
    }
    m_applying = false;
}

bool ColumnFitter::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table->viewport() && event->type() == QEvent::Resize)
        apply();
    return QObject::eventFilter(watched, event);
}

} // namespace passdeck
