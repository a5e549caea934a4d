#include "views/AddNodeDialog.h"

#include "core/AgentAddress.h"
#include "service/DomainService.h"
#include "views/TableSetup.h"

#include <QApplication>
#include <QButtonGroup>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace passdeck {

namespace {
void named(QWidget *w, const QString &objectName, const QString &accessible)
{
    w->setObjectName(objectName);
    w->setAccessibleName(accessible);
}
} // namespace

AddNodeDialog::AddNodeDialog(DomainService &service, QWidget *parent) : QDialog(parent), m_service(service)
{
    setObjectName(QStringLiteral("addNodeDialog"));
    setAccessibleName(tr("Add Node"));
    setWindowTitle(tr("Add Node"));
    setAttribute(Qt::WA_DeleteOnClose);
    setMinimumWidth(620);
    auto *layout = new QVBoxLayout(this);
    // Grows with what it shows (the error, the fingerprint to compare): nothing clipped.
    layout->setSizeConstraint(QLayout::SetMinimumSize);
    auto *form = new QFormLayout;
    m_name = new QLineEdit(this);
    named(m_name, QStringLiteral("addNodeName"), tr("Name"));
    m_name->setMaxLength(128);
    m_name->setPlaceholderText(tr("e.g. node-c"));
    form->addRow(tr("&Name:"), m_name);
    m_rootKind = new QRadioButton(tr("A host &root on this machine"), this);
    named(m_rootKind, QStringLiteral("addNodeKindRoot"), tr("Reached by a host root on this machine"));
    m_agentKind = new QRadioButton(tr("Its &agent (passdeckd) over the network"), this);
    named(m_agentKind, QStringLiteral("addNodeKindAgent"), tr("Reached by its agent over the network"));
    auto *kinds = new QButtonGroup(this);
    kinds->addButton(m_rootKind);
    kinds->addButton(m_agentKind);
    m_rootKind->setChecked(true);
    auto *kindRow = new QVBoxLayout;
    kindRow->addWidget(m_rootKind);
    kindRow->addWidget(m_agentKind);
    form->addRow(tr("Reached by:"), kindRow);
    layout->addLayout(form);
    m_pages = new QStackedWidget(this);
    m_pages->setObjectName(QStringLiteral("addNodePages"));
    m_pages->addWidget(buildRootPage());
    m_pages->addWidget(buildAgentPage());
    // Never squeezed below what its page needs when the error shows: the dialog grows instead.
    m_pages->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
    layout->addWidget(m_pages);
    m_message = createFormError(this, QStringLiteral("addNodeMessage"), tr("Add Node message"));
    layout->addWidget(m_message);
    layout->addStretch(1);
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
    connect(m_agentKind, &QRadioButton::toggled, this, [this](bool agent) {
        m_pages->setCurrentIndex(agent ? 1 : 0);
        m_message->hide();
        updateSubmit();
    });
    for (QLineEdit *e : {m_name, m_root, m_address, m_tokenFile, m_token, m_fingerprint})
        connect(e, &QLineEdit::textChanged, this, &AddNodeDialog::updateSubmit);
    connect(m_fingerprint, &QLineEdit::textChanged, this, &AddNodeDialog::updateFingerprint);
    connect(m_confirmed, &QCheckBox::toggled, this, &AddNodeDialog::updateSubmit);
    updateFingerprint();
}

QWidget *AddNodeDialog::buildRootPage()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("addNodeRootPage"));
    auto *form = new QFormLayout(page);
    form->setContentsMargins(0, 0, 0, 0);
    m_root = new QLineEdit(page);
    named(m_root, QStringLiteral("addNodeRoot"), tr("Host root"));
    m_root->setPlaceholderText(tr("/ for this machine, or a simulated node's directory"));
    m_browse = new QPushButton(tr("&Browse…"), page);
    named(m_browse, QStringLiteral("addNodeBrowse"), tr("Browse for the host root"));
    auto *rootRow = new QHBoxLayout;
    rootRow->addWidget(m_root, 1);
    rootRow->addWidget(m_browse);
    // A row of a field and a button: the label names the field (its mnemonic goes there).
    auto *rootLabel = new QLabel(tr("&Host root:"), page);
    rootLabel->setBuddy(m_root);
    form->addRow(rootLabel, rootRow);
    m_simulated = new QCheckBox(tr("&Simulated node (its sysfs lives in that directory)"), page);
    named(m_simulated, QStringLiteral("addNodeSimulated"), tr("Simulated"));
    form->addRow(QString(), m_simulated);
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Host root of the node"), m_root->text());
        if (!dir.isEmpty())
            m_root->setText(dir);
    });
    return page;
}

QWidget *AddNodeDialog::buildAgentPage()
{
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("addNodeAgentPage"));
    auto *form = new QFormLayout(page);
    form->setContentsMargins(0, 0, 0, 0);
    m_address = new QLineEdit(page);
    named(m_address, QStringLiteral("addNodeAddress"), tr("Agent address"));
    m_address->setPlaceholderText(tr("HOST:PORT, e.g. kvm-07.example.org:7443"));
    form->addRow(tr("A&ddress:"), m_address);
    m_tokenFile = new QLineEdit(page);
    named(m_tokenFile, QStringLiteral("addNodeTokenFile"), tr("Token file"));
    m_tokenFile->setPlaceholderText(tr("a copy of the agent's token file (/var/lib/passdeckd/token)"));
    m_tokenBrowse = new QPushButton(tr("&Choose…"), page);
    named(m_tokenBrowse, QStringLiteral("addNodeTokenBrowse"), tr("Choose the token file"));
    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_tokenFile, 1);
    fileRow->addWidget(m_tokenBrowse);
    auto *fileLabel = new QLabel(tr("&Token file:"), page);
    fileLabel->setBuddy(m_tokenFile);
    form->addRow(fileLabel, fileRow);
    m_token = new QLineEdit(page);
    named(m_token, QStringLiteral("addNodeToken"), tr("Token"));
    // Masked: the token lets whoever holds it drive the agent.
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("or paste the token here (64 hexadecimal characters)"));
    form->addRow(tr("or &paste it:"), m_token);
    m_fingerprint = new QLineEdit(page);
    named(m_fingerprint, QStringLiteral("addNodeFingerprint"), tr("Certificate fingerprint"));
    m_fingerprint->setPlaceholderText(tr("SHA256:… as passdeckd printed it"));
    form->addRow(tr("&Fingerprint:"), m_fingerprint);
    m_fingerprintShown = new QLabel(page);
    named(m_fingerprintShown, QStringLiteral("addNodeFingerprintShown"), tr("Fingerprint to compare"));
    // Not wrapped: its lines are broken where they should be, and a wrapped label in the page
    // stack would be given too little height.
    m_fingerprintShown->setWordWrap(false);
    m_fingerprintShown->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(QString(), m_fingerprintShown);
    m_confirmed = new QCheckBox(tr("I &compared it with the line passdeckd printed on the node: they are the same"), page);
    named(m_confirmed, QStringLiteral("addNodeFingerprintConfirmed"), tr("Fingerprint compared"));
    form->addRow(QString(), m_confirmed);
    connect(m_tokenBrowse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("The agent's token file"), m_tokenFile->text());
        if (!file.isEmpty())
            m_tokenFile->setText(file);
    });
    return page;
}

void AddNodeDialog::updateFingerprint()
{
    const QString text = m_fingerprint->text().trimmed();
    // A different fingerprint than the one confirmed must be confirmed again.
    m_confirmed->setChecked(false);
    if (text.isEmpty()) {
        m_fingerprintShown->setText(tr("passdeckd prints its fingerprint when it starts:<br>"
                                       "<i>passdeckd: listening on ADDRESS fingerprint SHA256:…</i>"));
        m_confirmed->setEnabled(false);
        return;
    }
    auto normalized = AgentAddress::normalizeFingerprint(text);
    if (!normalized) {
        m_fingerprintShown->setText(tr("Not a fingerprint yet:<br>%1").arg(normalized.error().why.left(80).toHtmlEscaped()));
        m_confirmed->setEnabled(false);
        return;
    }
    // In groups of 8, on two lines, so that it can be compared by eye.
    const QString hex = normalized->mid(7);
    QStringList groups;
    for (int i = 0; i < hex.size(); i += 8)
        groups << hex.mid(i, 8);
    const QString font = QFontDatabase::systemFont(QFontDatabase::FixedFont).family();
    m_fingerprintShown->setText(tr("Compare with what passdeckd printed:<br><span style=\"font-family: '%1';\">SHA256:%2<br>%3</span>")
                                    .arg(font.toHtmlEscaped(), groups.mid(0, 4).join(u' '), groups.mid(4).join(u' ')));
    m_confirmed->setEnabled(true);
}

void AddNodeDialog::updateSubmit()
{
    bool ok = !m_name->text().trimmed().isEmpty();
    if (m_agentKind->isChecked())
        ok = ok && !m_address->text().trimmed().isEmpty()
             && (!m_token->text().trimmed().isEmpty() || !m_tokenFile->text().trimmed().isEmpty())
             && !m_fingerprint->text().trimmed().isEmpty() && m_confirmed->isChecked();
    else
        ok = ok && !m_root->text().trimmed().isEmpty();
    m_submit->setEnabled(ok);
}

void AddNodeDialog::showError(const Error &e)
{
    m_message->setText(QStringLiteral("<b>%1</b>: %2<br>%3").arg(e.what.toHtmlEscaped(), e.why.toHtmlEscaped(), e.hint.toHtmlEscaped()));
    m_message->show();
    // Room for the message without squeezing the fields (a wrapped label asks for its height
    // only when the dialog is laid out again).
    layout()->activate();
    resize(width(), qMax(height(), sizeHint().height()));
}

Result<QString> AddNodeDialog::token() const
{
    if (!m_token->text().trimmed().isEmpty())
        return m_token->text();
    const QString path = m_tokenFile->text().trimmed();
    const QString what = tr("Reading the token file %1").arg(path);
    const QFileInfo info(path);
    if (!info.isFile() || info.size() > 4096)
        return Error::make(ErrorCode::AgentAddress, what, tr("it is not a small regular file"),
                           tr("Choose a copy of the agent's token file (its state directory's file 'token'), or paste the token."));
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error::make(ErrorCode::AgentAddress, what, f.errorString(), tr("Make the file readable by you, or paste the token."));
    return QString::fromLatin1(f.readAll());
}

bool AddNodeDialog::submit()
{
    if (!m_submit->isEnabled())
        return false;
    m_message->hide();
    QApplication::setOverrideCursor(Qt::WaitCursor);
    // Reading the PCI devices of a node takes a moment; the form stays as typed on a refusal.
    Result<RefreshReport> report = Error{};
    if (m_agentKind->isChecked()) {
        auto t = token();
        report = t ? m_service.addAgentNode(AgentNodeSpec{m_name->text().trimmed(), m_address->text().trimmed(), *t,
                                                          m_fingerprint->text().trimmed()})
                   : Result<RefreshReport>(t.error());
    } else {
        report = m_service.addNode(m_name->text().trimmed(), m_root->text().trimmed(), m_simulated->isChecked());
    }
    QApplication::restoreOverrideCursor();
    if (!report) {
        showError(report.error());
        return false;
    }
    Q_EMIT nodeAdded(*report);
    accept();
    return true;
}

} // namespace passdeck
