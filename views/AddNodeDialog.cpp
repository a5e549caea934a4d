#include "views/AddNodeDialog.h"

#include "service/DomainService.h"
#include "views/TableSetup.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace passdeck {

AddNodeDialog::AddNodeDialog(DomainService &service, QWidget *parent) : QDialog(parent), m_service(service)
{
    setObjectName(QStringLiteral("addNodeDialog"));
    setAccessibleName(tr("Add Node"));
    setWindowTitle(tr("Add Node"));
    setAttribute(Qt::WA_DeleteOnClose);
    setMinimumWidth(520);
    auto named = [](QWidget *w, const QString &objectName, const QString &accessible) {
        w->setObjectName(objectName);
        w->setAccessibleName(accessible);
    };
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    m_name = new QLineEdit(this);
    named(m_name, QStringLiteral("addNodeName"), tr("Name"));
    m_name->setMaxLength(128);
    m_name->setPlaceholderText(tr("e.g. node-c"));
    form->addRow(tr("&Name:"), m_name);
    m_root = new QLineEdit(this);
    named(m_root, QStringLiteral("addNodeRoot"), tr("Host root"));
    m_root->setPlaceholderText(tr("/ for this machine, or a simulated node's directory"));
    m_browse = new QPushButton(tr("&Browse…"), this);
    named(m_browse, QStringLiteral("addNodeBrowse"), tr("Browse for the host root"));
    auto *rootRow = new QHBoxLayout;
    rootRow->addWidget(m_root, 1);
    rootRow->addWidget(m_browse);
    form->addRow(tr("&Host root:"), rootRow);
    m_simulated = new QCheckBox(tr("&Simulated node (its sysfs lives in that directory)"), this);
    named(m_simulated, QStringLiteral("addNodeSimulated"), tr("Simulated"));
    form->addRow(QString(), m_simulated);
    layout->addLayout(form);
    m_message = createFormError(this, QStringLiteral("addNodeMessage"), tr("Add Node message"));
    layout->addWidget(m_message);
    auto *buttons = new QDialogButtonBox(this);
    m_submit = buttons->addButton(tr("&Add Node"), QDialogButtonBox::AcceptRole);
    named(m_submit, QStringLiteral("addNodeSubmit"), tr("Add Node"));
    m_submit->setDefault(true);
    m_submit->setEnabled(false);
    QPushButton *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    named(cancel, QStringLiteral("addNodeCancel"), tr("Cancel"));
    layout->addWidget(buttons);

    connect(m_submit, &QPushButton::clicked, this, [this] { submit(); });
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_name, &QLineEdit::textChanged, this, &AddNodeDialog::updateSubmit);
    connect(m_root, &QLineEdit::textChanged, this, &AddNodeDialog::updateSubmit);
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Host root of the node"), m_root->text());
        if (!dir.isEmpty())
            m_root->setText(dir);
    });
}

void AddNodeDialog::updateSubmit()
{
    m_submit->setEnabled(!m_name->text().trimmed().isEmpty() && !m_root->text().trimmed().isEmpty());
}

bool AddNodeDialog::submit()
{
    if (!m_submit->isEnabled())
        return false;
    m_message->hide();
    QApplication::setOverrideCursor(Qt::WaitCursor);
    // Reading the PCI devices of a node takes a moment; the form stays as typed on a refusal.
    auto report = m_service.addNode(m_name->text().trimmed(), m_root->text().trimmed(), m_simulated->isChecked());
    QApplication::restoreOverrideCursor();
    if (!report) {
        const Error &e = report.error();
        m_message->setText(QStringLiteral("<b>%1</b>: %2<br>%3")
                               .arg(e.what.toHtmlEscaped(), e.why.toHtmlEscaped(), e.hint.toHtmlEscaped()));
        m_message->show();
        return false;
    }
    Q_EMIT nodeAdded(*report);
    accept();
    return true;
}

} // namespace passdeck
