#include "views/ReadinessDashboard.h"

#include "models/Icons.h"
#include "models/ReadinessModel.h"
#include "service/DomainService.h"
#include "views/MainWindow.h"
#include "views/TableSetup.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>

namespace passdeck {

ReadinessDashboard::ReadinessDashboard(MainWindow &window, qint64 nodeId)
    : Dashboard(window, QStringLiteral("readiness"), nodeId)
{
    addMenuItem(QStringLiteral("menuNode"), Icons::node(), tr("Node"),
                [this] { mainWindow().navigate(QStringLiteral("node"), argument()); });
    addMenuItem(QStringLiteral("menuPciDevices"), Icons::groupClass(GroupClass::Other), tr("PCI Devices"),
                [this] { mainWindow().navigate(QStringLiteral("pci"), argument()); });
    addMenuItem(QStringLiteral("menuRisks"), Icons::warning(), tr("Risks and Precautions"),
                [this] { mainWindow().navigate(QStringLiteral("risks")); });

    auto *top = new QHBoxLayout;
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("readinessSummary"));
    m_summary->setAccessibleName(tr("Readiness summary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    QFont bold = m_summary->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    m_summary->setFont(bold);
    m_refresh = new QPushButton(Icons::info(), tr("&Refresh"), this);
    m_refresh->setObjectName(QStringLiteral("readinessRefresh"));
    m_refresh->setAccessibleName(tr("Check readiness again"));
    m_refresh->setToolTip(tr("Read the node's IOMMU, kernel command line, vfio modules and devices again."));
    connect(m_refresh, &QPushButton::clicked, this, &ReadinessDashboard::check);
    top->addWidget(m_summary, 1);
    top->addWidget(m_refresh, 0, Qt::AlignTop);
    contentLayout()->addLayout(top);

    m_model = new ReadinessModel(this);
    m_table = new QTableView(this);
    configureTable(m_table, QStringLiteral("readinessTable"), tr("Readiness findings"));
    // The service orders the findings (blockers first); the model does not sort.
    m_table->setSortingEnabled(false);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(true);
    m_table->setModel(m_model);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(ReadinessModel::MessageColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(ReadinessModel::ActionColumn, QHeaderView::Stretch);
    contentLayout()->addWidget(m_table, 1);
}

QString ReadinessDashboard::title() const
{
    return tr("Readiness");
}

QList<Crumb> ReadinessDashboard::breadcrumb() const
{
    return {{tr("Main Dashboard"), QStringLiteral("main"), 0},
            {tr("Nodes"), QStringLiteral("nodes"), 0},
            {m_nodeName.isEmpty() ? tr("Node") : m_nodeName, QStringLiteral("node"), argument()},
            {title(), dashboardId(), argument()}};
}

void ReadinessDashboard::refresh()
{
    auto node = service().node(argument());
    if (!node) {
        showError(node.error());
        return;
    }
    m_nodeName = node->name;
    setHeading(Icons::ok(), tr("Readiness of node %1").arg(m_nodeName),
               tr("Whether this host can pass devices through to VMs, and what to change if not."));
}

void ReadinessDashboard::showEvent(QShowEvent *event)
{
    Dashboard::showEvent(event);
    if (!m_checked)
        check();
}

void ReadinessDashboard::check()
{
    if (busy())
        return;
    m_checked = true;
    if (m_nodeName.isEmpty())
        refresh();
    m_refresh->setEnabled(false);
    m_summary->setText(tr("Checking node %1…").arg(m_nodeName));
    DomainService *svc = &service();
    const qint64 nodeId = argument();
    runInBackground<Result<ReadinessReport>>([svc, nodeId] { return svc->readinessReport(nodeId); },
                                             [this](const Result<ReadinessReport> &report) {
        m_refresh->setEnabled(true);
        if (!report) {
            m_model->setReport({});
            m_summary->setText(tr("Node %1 could not be checked.").arg(m_nodeName));
            showError(report.error());
            return;
        }
        banner()->clearNotice(QStringLiteral("result"));
        m_model->setReport(*report);
        m_summary->setText(report->summary());
        m_summary->setAccessibleDescription(report->summary());
        // The error colour while something blocks, one that reads on either palette.
        const bool dark = palette().color(QPalette::Window).lightness() < 128;
        m_summary->setStyleSheet(report->ready() ? QString()
                                                 : QStringLiteral("color: %1;").arg(dark ? QStringLiteral("#ff8a80")
                                                                                          : QStringLiteral("#b00020")));
        fitColumns(m_table, 160);
        m_table->horizontalHeader()->setSectionResizeMode(ReadinessModel::MessageColumn, QHeaderView::Stretch);
        m_table->horizontalHeader()->setSectionResizeMode(ReadinessModel::ActionColumn, QHeaderView::Stretch);
        m_table->resizeRowsToContents();
    });
}

} // namespace passdeck
