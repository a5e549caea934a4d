#pragma once

#include <QAbstractTableModel>
#include <QList>

namespace passdeck {

// Shared plumbing of the list models over the domain service's records (groups, nodes, VMs,
// tenants): each record has an `id`. A refresh with the same ids in the same order updates the
// rows in place so that selections survive; anything else resets the model.
template<typename T>
class RecordTableModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

    void setItems(QList<T> items)
    {
        bool same = items.size() == m_items.size();
        for (int i = 0; same && i < items.size(); ++i)
            same = items.at(i).id == m_items.at(i).id;
        if (same) {
            m_items = std::move(items);
            if (!m_items.isEmpty())
                Q_EMIT this->dataChanged(this->index(0, 0),
                                         this->index(int(m_items.size()) - 1, columnCount() - 1));
            return;
        }
        this->beginResetModel();
        m_items = std::move(items);
        this->endResetModel();
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
    bool validIndex(const QModelIndex &index) const
    {
        return this->checkIndex(index, QAbstractItemModel::CheckIndexOption::IndexIsValid
                                           | QAbstractItemModel::CheckIndexOption::ParentIsInvalid);
    }

    QList<T> m_items;
};

} // namespace passdeck
