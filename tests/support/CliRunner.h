#pragma once
// Runs passdeck-cli (the binary ctest names in $PASSDECK_CLI) and builds simulated trees with it.

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace passdeck::test {

struct CliRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

inline QString cliPath()
{
    return qEnvironmentVariable("PASSDECK_CLI");
}

inline QString pinnedPciIds()
{
    return QStringLiteral(PASSDECK_SOURCE_DIR "/tests/data/pci.ids");
}

inline CliRun runProgram(const QString &program, const QStringList &args, int timeoutMs = 600000)
{
    QProcess p;
    p.start(program, args);
    CliRun r;
    if (!p.waitForStarted(600000))
        return r;
    p.waitForFinished(timeoutMs);
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

inline CliRun runCli(const QStringList &args)
{
    return runProgram(cliPath(), args);
}

// Builds a simulated host root from one of the demo descriptions (node-a, node-b) or a scale
// tree (description empty, devices > 0). Returns an empty string on success, else the reason.
inline QString buildTree(const QString &dir, const QString &description, int devices = 0)
{
    // A bare name is a demo node (resources/demo/NAME.json); a path ending in .json is relative to
    // the source tree (e.g. tests/kernel/machine.json, the real-kernel test's QEMU machine).
    const QString file = description.endsWith(QLatin1String(".json"))
        ? QString(QStringLiteral(PASSDECK_SOURCE_DIR "/") + description)
        : QString(QStringLiteral(PASSDECK_SOURCE_DIR "/resources/demo/") + description + QStringLiteral(".json"));
    const CliRun r = devices > 0
        ? runCli({QStringLiteral("sim"), QStringLiteral("scale"), dir, QStringLiteral("--devices"), QString::number(devices)})
        : runCli({QStringLiteral("sim"), QStringLiteral("build"), dir, QStringLiteral("--description"), file});
    if (r.exitCode == 0)
        return {};
    return QStringLiteral("sim build/scale failed (%1): %2").arg(r.exitCode).arg(QString::fromUtf8(r.err));
}

} // namespace passdeck::test
