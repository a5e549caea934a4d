#pragma once

class QTableView;
class QString;

namespace passdeck {

// One look and behaviour for every dashboard table: whole-row selection, sorting, alternating
// rows, no row numbers, the last column stretched.
void configureTable(QTableView *table, const QString &objectName, const QString &accessibleName);

} // namespace passdeck
