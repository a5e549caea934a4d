#pragma once
// Validates libvirt XML against libvirt's own RelaxNG schemas with `virt-xml-validate FILE SCHEMA`
// (package libvirt-clients; schemas in /usr/share/libvirt/schemas). Header-only, for any test that
// reads domain XML back from libvirt or writes it (docs/libvirt.md, "Tests against a real
// libvirtd and a real VFIO device").
//
//     const QString problem = passdeck::test::domainXmlProblem(xml);
//     QVERIFY2(problem.isEmpty(), qPrintable(problem));
//
// A missing tool is a problem too (never a silent pass): scripts/setup test installs it.
#include <QByteArray>
#include <QDir>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QTemporaryFile>

namespace passdeck::test {

struct XmlValidation
{
    bool ran = false;   // the tool ran to its end (false: not installed, did not start, hung)
    bool valid = false; // it said the document validates
    QString output;     // what it printed (why the document is invalid), or why it did not run
};

// `schema` is one of virt-xml-validate's names: domain, network, capability, ... ("domain" here).
inline XmlValidation validateLibvirtXml(const QString &xml, const QString &schema = QStringLiteral("domain"))
{
    XmlValidation v;
    const QString tool = QStandardPaths::findExecutable(QStringLiteral("virt-xml-validate"));
    if (tool.isEmpty()) {
        v.output = QStringLiteral("virt-xml-validate is not installed (package libvirt-clients; scripts/setup test installs it)");
        return v;
    }
    QTemporaryFile file(QStringLiteral("%1/pdk-xml-XXXXXX.xml").arg(QDir::tempPath()));
    if (!file.open() || file.write(xml.toUtf8()) < 0 || !file.flush()) {
        v.output = QStringLiteral("cannot write the XML to a temporary file: %1").arg(file.errorString());
        return v;
    }
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(tool, {file.fileName(), schema});
    if (!p.waitForStarted(30000) || !p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished(5000);
        v.output = QStringLiteral("virt-xml-validate did not run to its end: %1").arg(p.errorString());
        return v;
    }
    v.ran = p.exitStatus() == QProcess::NormalExit;
    v.output = QString::fromLocal8Bit(p.readAll()).trimmed();
    v.valid = v.ran && p.exitCode() == 0;
    return v;
}

// Empty when `xml` validates against the schema; else what is wrong, with the document, for a
// test's failure message.
inline QString domainXmlProblem(const QString &xml, const QString &schema = QStringLiteral("domain"))
{
    const XmlValidation v = validateLibvirtXml(xml, schema);
    if (v.valid)
        return {};
    return QStringLiteral("%1 XML does not validate (virt-xml-validate): %2\n--- the XML ---\n%3")
        .arg(schema, v.output.isEmpty() ? QStringLiteral("(no output)") : v.output, xml);
}

} // namespace passdeck::test
