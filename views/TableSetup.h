#pragma once

class QLabel;
class QTableView;
class QString;
class QWidget;

namespace passdeck {

// One look and behaviour for every dashboard table: whole-row selection, sorting, alternating
// rows, no row numbers, the last column stretched.
void configureTable(QTableView *table, const QString &objectName, const QString &accessibleName);

// Sizes the columns to their contents (headers included) with some air, none wider than
// maxWidth: tight columns read as a spreadsheet, and one long description must not push the
// rest out of view.
void fitColumns(QTableView *table, int maxWidth = 320);

// Keeps target enabled exactly while the table has a selection. A model reset clears the
// selection without selectionChanged (QItemSelectionModel::reset), which would leave a Delete
// button enabled with nothing selected; so resets and removed rows count too. Call after
// setModel().
void enableWithSelection(QTableView *table, QWidget *target);

// Secondary text (subtitles, hints, legends): the palette's placeholder colour, so it follows
// light and dark palettes instead of a fixed grey.
void setMuted(QWidget *widget);

// A dialog's error line: hidden until a refusal is shown in it, rich text, word-wrapped, framed
// in the error colour, so that every form says what failed in the same place and look.
QLabel *createFormError(QWidget *parent, const QString &objectName, const QString &accessibleName);

} // namespace passdeck
