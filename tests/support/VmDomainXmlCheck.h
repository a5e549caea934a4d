#pragma once
// Whether a domain XML is valid for libvirt: `virt-xml-validate FILE domain` (libvirt-clients).
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryFile>

namespace passdeck::test {

inline bool validateDomainXml(const QString &xml, QString *why)
{
    const QString tool = QStandardPaths::findExecutable(QStringLiteral("virt-xml-validate"));
    if (tool.isEmpty()) {
        *why = QStringLiteral("virt-xml-validate is not installed (libvirt-clients)");
        return false;
    }
    QTemporaryFile file;
    if (!file.open()) {
        *why = QStringLiteral("no temporary file");
        return false;
    }
    file.write(xml.toUtf8());
    file.flush();
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(tool, {file.fileName(), QStringLiteral("domain")});
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *why = QString::fromUtf8(p.readAll()) + QStringLiteral("\n") + xml;
        return false;
    }
    return true;
}

} // namespace passdeck::test
