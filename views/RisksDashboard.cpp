#include "views/RisksDashboard.h"

#include "models/Icons.h"
#include "views/MainWindow.h"

#include <QTextBrowser>
#include <QVBoxLayout>

namespace passdeck {

RisksDashboard::RisksDashboard(MainWindow &window) : Dashboard(window, QStringLiteral("risks"), 0)
{
    setHeading(Icons::warning(), tr("Risks and Precautions"),
               tr("Read this before you pass any device through."));
    addMenuItem(QStringLiteral("menuResources"), Icons::resources(), tr("Resource Manager"),
                [this] { mainWindow().navigate(QStringLiteral("resources")); });
    auto *text = new QTextBrowser(this);
    text->setObjectName(QStringLiteral("risksText"));
    text->setAccessibleName(tr("Risks and Precautions"));
    text->setHtml(html());
    text->setOpenExternalLinks(false);
    contentLayout()->addWidget(text, 1);
}

QString RisksDashboard::title() const
{
    return tr("Risks and Precautions");
}

QString RisksDashboard::html()
{
    return tr("<h3>What passthrough does</h3>"
              "<p>Making a device a resource detaches it from its host driver and binds it to <i>vfio-pci</i>. "
              "From then on the host cannot use it: a network card loses its interfaces, a disk its "
              "file systems, a GPU its display.</p>"
              "<h3>Never pass boot or management devices</h3>"
              "<ul><li>Leave the boot VGA, the disk holding the root file system or swap, and the NIC you "
              "manage the node through on the host.</li>"
              "<li>Devices in one IOMMU group move together. Check the highlighted companions before you "
              "submit.</li>"
              "<li>Bridges are never passed through.</li></ul>"
              "<h3>Have out-of-band access</h3>"
              "<p>Keep a console (IPMI, iDRAC, iLO, a serial line) to every node you change. If a change "
              "takes the management network away, that console is how you get the node back.</p>"
              "<h3>Use maintenance mode before a reboot</h3>"
              "<p>Some changes only take effect after a reboot. Put the node in maintenance mode, migrate "
              "or stop its VMs, then reboot. Passdeck never reboots a real host by itself.</p>"
              "<h3>If something goes wrong</h3>"
              "<p>A failed change is rolled back to the original drivers. An interrupted one is finished "
              "or rolled back the next time Passdeck starts.</p>");
}

} // namespace passdeck
