#include "store/StoreTransaction.h"

#include "store/Store.h"

namespace passdeck {

namespace {
thread_local int t_open = 0;
}

StoreTransaction::StoreTransaction(const Store &store)
    : m_store(store), m_begun(store.beginWrite())
{
    m_open = m_begun.ok();
    if (m_open)
        ++t_open;
}

StoreTransaction::~StoreTransaction()
{
    if (m_open) {
        m_store.rollback();
        --t_open;
    }
}

bool StoreTransaction::openOnThisThread()
{
    return t_open > 0;
}

Status StoreTransaction::commit()
{
    if (!m_open)
        return m_begun.ok() ? Status() : m_begun;
    Status s = m_store.commit();
    if (s) {
        m_open = false;
        m_committed = true;
        --t_open;
    } else if (s.error().code == ErrorCode::StoreLost) {
        // The connection (and the transaction) are gone: nothing is left to roll back.
        m_open = false;
        --t_open;
    }
    return s;
}

} // namespace passdeck
