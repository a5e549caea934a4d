#include "views/TableSetup.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>

namespace passdeck {

void configureTable(QTableView *table, const QString &objectName, const QString &accessibleName)
{
    table->setObjectName(objectName);
    table->setAccessibleName(accessibleName);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setAlternatingRowColors(true);
    table->setSortingEnabled(true);
    table->setWordWrap(false);
    table->setTabKeyNavigation(false);
    table->verticalHeader()->setVisible(false);
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 10);
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setHighlightSections(false);
    table->horizontalHeader()->setResizeContentsPrecision(200);
    table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    table->setIconSize(QSize(18, 18));
}

void fitColumns(QTableView *table, int maxWidth)
{
    QHeaderView *header = table->horizontalHeader();
    table->resizeColumnsToContents();
    const int last = header->count() - 1;
    for (int c = 0; c < header->count(); ++c) {
        if (c == last && header->stretchLastSection())
            continue;
        // resizeColumnsToContents already took the header's hint into account.
        const int wanted = header->sectionSize(c) + 10;
        header->resizeSection(c, qMin(wanted, maxWidth));
    }
}

void enableWithSelection(QTableView *table, QWidget *target)
{
    auto update = [table, target] { target->setEnabled(table->selectionModel()->hasSelection()); };
    QObject::connect(table->selectionModel(), &QItemSelectionModel::selectionChanged, target, update);
    QAbstractItemModel *model = table->model();
    QObject::connect(model, &QAbstractItemModel::modelReset, target, update);
    QObject::connect(model, &QAbstractItemModel::rowsRemoved, target, update);
    QObject::connect(model, &QAbstractItemModel::layoutChanged, target, update);
    update();
}

void setMuted(QWidget *widget)
{
    widget->setForegroundRole(QPalette::PlaceholderText);
}

QLabel *createFormError(QWidget *parent, const QString &objectName, const QString &accessibleName)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setAccessibleName(accessibleName);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setStyleSheet(QStringLiteral("QLabel { background: rgba(220,50,47,0.15); border: 1px solid "
                                        "rgba(220,50,47,0.6); border-radius: 4px; padding: 6px; }"));
    label->hide();
    return label;
}

} // namespace passdeck
