#pragma once
// The one hand-made node of the tests: a HostAccess (node/host/HostAccess.h) that either answers
// from maps (planner and impact-check tests over hand-made snapshots) or forwards to a real,
// simulated LocalNode and counts its writes, optionally failing the n-th one (binder tests).
#include "node/LocalNode.h"
#include "node/host/HostAccess.h"
#include "sim/SimKernel.h"

#include <QMap>
#include <QSet>

#include <cerrno>

namespace passdeck {

class FakeNode : public HostAccess
{
public:
    // Answers from the maps below; every write is refused (EPERM) and counted.
    FakeNode() = default;
    // Forwards everything to inner; its failAt-th write from now (0-based; -1: none) fails once
    // with errnum through the simulator's own fault injection, so the simulated kernel decides
    // nothing for that write.
    explicit FakeNode(LocalNode &inner, int failAt = -1, int errnum = 0)
        : m_inner(&inner), m_failAt(failAt), m_errnum(errnum)
    {
    }

    // Map mode: attribute contents, paths that exist (besides the attributes) and link targets.
    QMap<QString, QString> attributes;
    QSet<QString> paths{QStringLiteral("sys/bus/pci/drivers/vfio-pci")};
    QMap<QString, QString> links;
    QMap<QString, QString> persisted; // the persistent configuration's overrides

    int writes() const { return m_writes; }

    bool isSimulated() const override { return true; }
    Result<InventorySnapshot> inventory() override
    {
        if (m_inner)
            return m_inner->inventory();
        return Error::make(ErrorCode::ReadFailed, QStringLiteral("FakeNode"), QStringLiteral("map mode has no inventory"));
    }
    QString readLinkName(const QString &p) const override { return m_inner ? m_inner->readLinkName(p) : links.value(p); }
    Result<QString> readAttribute(const QString &p) const override
    {
        if (m_inner)
            return m_inner->readAttribute(p);
        if (attributes.contains(p))
            return attributes.value(p);
        return Error::make(ErrorCode::ReadFailed, p, QStringLiteral("no such file"));
    }
    bool exists(const QString &p) const override
    {
        return m_inner ? m_inner->exists(p) : paths.contains(p) || attributes.contains(p) || links.contains(p);
    }
    int write(const QString &path, const QByteArray &value) override
    {
        const int index = m_writes++;
        if (!m_inner)
            return EPERM;
        if (index == m_failAt)
            m_inner->simKernel()->failNextWrite(path, m_errnum, 1);
        return m_inner->write(path, value);
    }
    Result<QMap<QString, QString>> persistedOverrides() const override
    {
        return m_inner ? m_inner->persistedOverrides() : Result<QMap<QString, QString>>(persisted);
    }
    Status updatePersistence(const QMap<QString, QString> &set, const QStringList &clear) override
    {
        if (m_inner)
            return m_inner->updatePersistence(set, clear);
        for (const QString &a : clear)
            persisted.remove(a);
        for (auto it = set.cbegin(); it != set.cend(); ++it)
            persisted.insert(it.key(), it.value());
        return {};
    }

private:
    LocalNode *m_inner = nullptr;
    int m_failAt = -1;
    int m_errnum = 0;
    int m_writes = 0;
};

} // namespace passdeck
