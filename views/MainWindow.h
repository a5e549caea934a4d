#pragma once

#include <QMainWindow>

namespace passdeck {

// Placeholder until the GUI shell lands (issue 5 replaces this file).
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
};

} // namespace passdeck
