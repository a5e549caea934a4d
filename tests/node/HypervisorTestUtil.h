#pragma once
// Helpers for the hypervisor tests (header-only): simulated roots with libvirt domains and
// virt-xml-validate on every domain XML Passdeck writes.
#include "SimTestUtil.h"

#include <QJsonArray>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryFile>
#include <QTest>

namespace passdeck::test {

// node-a with the given "domains" list.
inline QJsonObject withDomains(const QJsonArray &domains)
{
    QJsonObject description = demoDescription(QStringLiteral("node-a"));
    description.insert(QStringLiteral("domains"), domains);
    return description;
}

inline QJsonObject domainSpec(const QString &name, const QString &state, const QStringList &foreignHostdevs = {})
{
    QJsonObject o{{QStringLiteral("name"), name}, {QStringLiteral("vcpus"), 2}, {QStringLiteral("memory_mib"), 2048},
                  {QStringLiteral("state"), state}};
    if (!foreignHostdevs.isEmpty())
        o.insert(QStringLiteral("hostdevs"), QJsonArray::fromStringList(foreignHostdevs));
    return o;
}

// Runs virt-xml-validate on xml as a domain; "" when valid, else its output. *missing is set
// when the binary is not installed (the caller skips).
inline QString validateDomainXml(const QString &xml, bool *missing)
{
    const QString tool = QStandardPaths::findExecutable(QStringLiteral("virt-xml-validate"));
    *missing = tool.isEmpty();
    if (tool.isEmpty())
        return {};
    QTemporaryFile file;
    if (!file.open())
        return QStringLiteral("cannot create a temporary file");
    file.write(xml.toUtf8());
    file.flush();
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(tool, {file.fileName(), QStringLiteral("domain")});
    if (!p.waitForFinished(60000))
        return QStringLiteral("virt-xml-validate did not finish");
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return QString::fromUtf8(p.readAll()) + QStringLiteral("\n--- the XML:\n") + xml;
    return {};
}

} // namespace passdeck::test

// Fails the test unless xml validates as a libvirt domain; skips when the validator is missing.
#define PASSDECK_VERIFY_DOMAIN_XML(xml)                                                                  \
    do {                                                                                                 \
        bool missing_ = false;                                                                           \
        const QString invalid_ = passdeck::test::validateDomainXml((xml), &missing_);                    \
        if (missing_)                                                                                    \
            QSKIP("virt-xml-validate is not installed (Debian: libvirt-clients); cannot check domain XML"); \
        QVERIFY2(invalid_.isEmpty(), qPrintable(invalid_));                                              \
    } while (false)
