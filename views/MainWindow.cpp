#include "MainWindow.h"

namespace passdeck {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Passdeck"));
}

} // namespace passdeck
