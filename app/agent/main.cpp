// passdeckd: the node agent. Serves API v1 (docs/agent-api.md) for the host root it is given,
// over HTTPS with the identity of its state dir; running it is described in docs/agent.md.
//
//   passdeckd --host-root DIR [--simulate] [--listen ADDR:PORT] [--state-dir DIR] [--pci-ids FILE] [--libvirt URI]
//
// When it listens it prints exactly one line to stdout:
//   passdeckd: listening on ADDR:PORT fingerprint SHA256:<64 lowercase hex>
// Errors go to stderr. Exit status: 0 after a clean stop (SIGTERM/SIGINT), 1 when it cannot
// start (identity, host root, job recovery, address), 2 on bad usage.
#include "core/DomainTypes.h"
#include "core/PassdeckVersion.h"
#include "node/LocalNode.h"
#include "node/LocalNodeConnector.h"
#include "remote/server/AgentIdentity.h"
#include "remote/server/AgentServer.h"
#include "remote/server/JobManager.h"
#include "remote/server/Routes.h"

#include <QCoreApplication>
#include <QDir>
#include <QHostAddress>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

using namespace passdeck;

namespace {

const char kUsage[] =
    "Usage: passdeckd [--host-root DIR] [--simulate] [--listen ADDR:PORT] [--state-dir DIR] [--pci-ids FILE] [--libvirt URI]\n"
    "  --host-root DIR    the directory that stands for / on the host (default: /)\n"
    "  --simulate         DIR is a simulated node (kernel semantics by Passdeck)\n"
    "  --listen ADDR:PORT the address to listen on (default: 0.0.0.0:7443; port 0 picks a free one)\n"
    "  --state-dir DIR    key, certificate, token and job journal (default: /var/lib/passdeckd)\n"
    "  --pci-ids FILE     the pci.ids file for names (default: the system's)\n"
    "  --version          print the version (passdeckd X.Y.Z) and exit\n"
    "  --libvirt URI      the node's libvirt connection (default: qemu:///system; a simulated\n"
    "                     node always uses its test driver file, docs/libvirt.md)\n"
    "Exit status: 0 after SIGTERM/SIGINT, 1 when the agent cannot start, 2 bad usage.\n";

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &c, 1);
}

int usage(const QString &why)
{
    std::fprintf(stderr, "passdeckd: %s\n%s", qPrintable(why), kUsage);
    return 2;
}

int fail(const Error &error)
{
    std::fprintf(stderr, "passdeckd: %s\n", qPrintable(error.message()));
    return 1;
}

// "ADDR:PORT" with ADDR an IPv4 address, "[IPv6]" or "*" (all), PORT 0..65535.
bool parseListen(const QString &text, QHostAddress *address, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return false;
    QString host = text.left(colon);
    bool ok = false;
    const uint p = text.mid(colon + 1).toUInt(&ok);
    if (!ok || p > 65535)
        return false;
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    else if (host.contains(u':'))
        return false;
    if (host == QLatin1String("*"))
        *address = QHostAddress::Any;
    else if (!address->setAddress(host))
        return false;
    *port = quint16(p);
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("passdeckd"));

    QString hostRoot = QStringLiteral("/");
    QString stateDir = QStringLiteral("/var/lib/passdeckd");
    QString listen = QStringLiteral("0.0.0.0:7443");
    InventoryOptions inventory;
    bool simulate = false;
    QString libvirtUri;
    const QStringList args = app.arguments().mid(1);
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        auto value = [&](QString *target) {
            if (i + 1 >= args.size() || args.at(i + 1).startsWith(QLatin1String("--")))
                return false;
            *target = args.at(++i);
            return true;
        };
        if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (a == QLatin1String("--version")) {
            std::printf("passdeckd %s\n", PASSDECK_VERSION);
            return 0;
        } else if (a == QLatin1String("--simulate")) {
            simulate = true;
        } else if (a == QLatin1String("--host-root")) {
            if (!value(&hostRoot))
                return usage(QStringLiteral("--host-root needs a directory"));
        } else if (a == QLatin1String("--state-dir")) {
            if (!value(&stateDir))
                return usage(QStringLiteral("--state-dir needs a directory"));
        } else if (a == QLatin1String("--listen")) {
            if (!value(&listen))
                return usage(QStringLiteral("--listen needs ADDR:PORT"));
        } else if (a == QLatin1String("--libvirt")) {
            if (!value(&libvirtUri))
                return usage(QStringLiteral("--libvirt needs a URI (e.g. qemu:///system)"));
        } else if (a == QLatin1String("--pci-ids")) {
            if (!value(&inventory.pciIdsPath))
                return usage(QStringLiteral("--pci-ids needs a file"));
        } else {
            return usage(QStringLiteral("unknown argument '%1'").arg(a));
        }
    }
    AgentServer::Options options;
    if (!parseListen(listen, &options.address, &options.port))
        return usage(QStringLiteral("--listen '%1' is not ADDR:PORT (e.g. 0.0.0.0:7443, [::1]:7443, 127.0.0.1:0)").arg(listen));

    // The host root is checked once here; every request opens its own node on it.
    hostRoot = QDir(hostRoot).absolutePath();
    if (Status st = LocalNode::validate(hostRoot, simulate); !st)
        return fail(st.error());
    Result<AgentIdentity> identity = AgentIdentity::loadOrCreate(stateDir);
    if (!identity)
        return fail(identity.error());

    NodeInfo info;
    info.hostRoot = hostRoot;
    info.simulated = simulate;
    info.libvirtUri = libvirtUri;
    const NodeFactory factory = localNodes(inventory);
    const Routes::NodeMaker makeNode = [factory, info] { return factory(info); };

    // Jobs the last run left unfinished are finished or rolled back before anyone can ask for
    // more (docs/agent-jobs.md). When that fails the devices may be half-moved: the agent does
    // not start (fail closed) and says which journal file or device is the problem.
    JobManager jobs(makeNode, QDir(stateDir).absolutePath());
    if (Status st = jobs.recover(); !st)
        return fail(st.error());
    Routes routes(makeNode, &jobs);

    // SIGTERM/SIGINT through a pipe into the event loop: the stop runs as ordinary code.
    if (::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return fail(Error::make(ErrorCode::Errno, QStringLiteral("Starting passdeckd"), QStringLiteral("pipe2 failed")));
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGINT, &sa, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    AgentServer server(*identity, &routes, options);
    if (Status st = server.listen(); !st)
        return fail(st.error());

    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, [&] {
        char buf[16];
        while (::read(g_signalPipe[0], buf, sizeof buf) > 0) {
        }
        server.close();    // no new connections; running reads finish
        jobs.waitForAll(); // running jobs end (and are journaled as ended) before the exit
        app.quit();
    });

    const QHostAddress bound = server.serverAddress();
    const QString shownAddress = bound.protocol() == QAbstractSocket::IPv6Protocol
        ? QStringLiteral("[%1]").arg(bound.toString()) : bound.toString();
    std::printf("passdeckd: listening on %s:%u fingerprint %s\n", qPrintable(shownAddress), unsigned(server.serverPort()),
                qPrintable(identity->fingerprint()));
    std::fflush(stdout);
    return app.exec();
}
