#pragma once

#include "service/Readiness.h"

#include <QAbstractTableModel>

namespace passdeck {

// A node's readiness findings (service/Readiness.h), worst first, as the service worded them.
class ReadinessModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { SeverityColumn, CodeColumn, DeviceColumn, MessageColumn, ActionColumn, ColumnCount };
    enum Role { CodeRole = Qt::UserRole + 1, SeverityRole };
    Q_ENUM(Column)

    explicit ReadinessModel(QObject *parent = nullptr);

    void setReport(ReadinessReport report);
    const ReadinessReport &report() const { return m_report; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString severityText(Severity severity); // "Blocker", "Warning", "Info" (translated)

private:
    ReadinessReport m_report;
};

} // namespace passdeck
