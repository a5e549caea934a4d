#pragma once

#include "core/Error.h"

namespace passdeck {

class Store;

// A write transaction that rolls back unless commit() succeeded (RAII for every flow).
class StoreTransaction
{
public:
    explicit StoreTransaction(const Store &store);
    ~StoreTransaction();
    StoreTransaction(const StoreTransaction &) = delete;
    StoreTransaction &operator=(const StoreTransaction &) = delete;

    // The result of BEGIN; nothing else may run when this failed.
    const Status &begun() const { return m_begun; }
    Status commit();
    // Begun and neither committed nor rolled back yet.
    bool isOpen() const { return m_open; }
    // commit() succeeded: the change landed (a retry must not run it again).
    bool committed() const { return m_committed; }
    // Whether this thread has a write transaction open: what must not start a second one (a
    // note that a node did not answer waits for the end of the operation then).
    static bool openOnThisThread();

private:
    const Store &m_store;
    Status m_begun;
    bool m_open = false;
    bool m_committed = false;
};

} // namespace passdeck
