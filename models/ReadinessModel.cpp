#include "models/ReadinessModel.h"

#include "models/Icons.h"

namespace passdeck {

ReadinessModel::ReadinessModel(QObject *parent) : QAbstractTableModel(parent) {}

void ReadinessModel::setReport(ReadinessReport report)
{
    beginResetModel();
    m_report = std::move(report);
    endResetModel();
}

int ReadinessModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_report.findings.size());
}

int ReadinessModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ReadinessModel::severityText(Severity severity)
{
    switch (severity) {
    case Severity::Blocker: return tr("Blocker");
    case Severity::Warning: return tr("Warning");
    case Severity::Info: break;
    }
    return tr("Info");
}

QVariant ReadinessModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ReadinessFinding &f = m_report.findings.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case SeverityColumn: return severityText(f.severity);
        case CodeColumn: return f.code;
        case DeviceColumn: return f.device.isEmpty() ? (role == Qt::DisplayRole ? tr("(host)") : tr("The host as a whole")) : f.device;
        case MessageColumn: return f.message;
        case ActionColumn: return f.action;
        default: return {};
        }
    case Qt::DecorationRole:
        if (index.column() != SeverityColumn)
            return {};
        switch (f.severity) {
        case Severity::Blocker: return Icons::blocker();
        case Severity::Warning: return Icons::warning();
        case Severity::Info: return Icons::info();
        }
        return {};
    case Qt::AccessibleTextRole:
        return index.column() == SeverityColumn ? severityText(f.severity) : data(index, Qt::DisplayRole);
    case CodeRole: return f.code;
    case SeverityRole: return int(f.severity);
    default: return {};
    }
}

QVariant ReadinessModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case SeverityColumn: return tr("Severity");
    case CodeColumn: return tr("Code");
    case DeviceColumn: return tr("Device");
    case MessageColumn: return tr("Finding");
    case ActionColumn: return tr("What to do");
    default: return {};
    }
}

} // namespace passdeck
