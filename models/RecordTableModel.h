#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QSet>

namespace passdeck {

// Shared plumbing of the list models over the domain service's records (groups, nodes, VMs,
// tenants): each record has an `id`. A refresh updates the rows in place: rows whose record is
// gone are removed, new records inserted where they belong, the rest changed where they are,
// so that the views keep their selection and scroll position across reloads (also when another
// administrator's change arrives, docs/store.md "Live updates"). Only records that changed
// their order reset the model.
template<typename T>
class RecordTableModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

    void setItems(QList<T> items)
    {
        if (!keepsOrder(items)) {
            this->beginResetModel();
            m_items = std::move(items);
            this->endResetModel();
            return;
        }
        // A first load or a clearing: one insertion or removal, not one per row (thousands of
        // devices through the proxies).
        if (m_items.isEmpty() || items.isEmpty()) {
            if (m_items.isEmpty() && items.isEmpty())
                return;
            const bool load = m_items.isEmpty();
            const int last = int(load ? items.size() : m_items.size()) - 1;
            if (load)
                this->beginInsertRows({}, 0, last);
            else
                this->beginRemoveRows({}, 0, last);
            m_items = std::move(items);
            if (load)
                this->endInsertRows();
            else
                this->endRemoveRows();
            return;
        }
        QSet<qint64> incoming;
        for (const T &item : std::as_const(items))
            incoming.insert(item.id);
        // Gone: removed from the end, so that the rows before keep their numbers.
        for (int row = int(m_items.size()) - 1; row >= 0; --row) {
            if (incoming.contains(m_items.at(row).id))
                continue;
            this->beginRemoveRows({}, row, row);
            m_items.removeAt(row);
            this->endRemoveRows();
        }
        // New: inserted at their place; the kept ones are in the same order on both sides.
        for (int row = 0; row < items.size(); ++row) {
            if (row < m_items.size() && m_items.at(row).id == items.at(row).id)
                continue;
            this->beginInsertRows({}, row, row);
            m_items.insert(row, items.at(row));
            this->endInsertRows();
        }
        m_items = std::move(items);
        if (!m_items.isEmpty())
            Q_EMIT this->dataChanged(this->index(0, 0), this->index(int(m_items.size()) - 1, columnCount() - 1));
    }

    const QList<T> &items() const { return m_items; }
    const T &item(int row) const { return m_items.at(row); }
    int rowOfId(qint64 id) const
    {
        for (int i = 0; i < m_items.size(); ++i) {
            if (m_items.at(i).id == id)
                return i;
        }
        return -1;
    }

    int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : int(m_items.size());
    }
    int columnCount(const QModelIndex &parent = {}) const override = 0;

protected:
    // Whether the records both lists hold are in the same order (then rows can be removed
    // and inserted around them).
    bool keepsOrder(const QList<T> &items) const
    {
        QHash<qint64, int> newRow;
        for (int i = 0; i < items.size(); ++i)
            newRow.insert(items.at(i).id, i);
        if (newRow.size() != items.size())
            return false; // duplicate ids: no identity to keep
        int last = -1;
        for (const T &old : m_items) {
            const auto it = newRow.constFind(old.id);
            if (it == newRow.cend())
                continue;
            if (*it <= last)
                return false;
            last = *it;
        }
        return true;
    }

    bool validIndex(const QModelIndex &index) const
    {
        return this->checkIndex(index, QAbstractItemModel::CheckIndexOption::IndexIsValid
                                           | QAbstractItemModel::CheckIndexOption::ParentIsInvalid);
    }

    QList<T> m_items;
};

} // namespace passdeck
