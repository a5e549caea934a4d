#include "MainWindow.h"

#include <QApplication>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("passdeck"));
    QApplication::setOrganizationName(QStringLiteral("passdeck"));
    QApplication::setApplicationDisplayName(QStringLiteral("Passdeck"));
    passdeck::MainWindow window;
    window.show();
    return app.exec();
}
