#include "store/StoreTransaction.h"

#include "store/Store.h"

namespace passdeck {

StoreTransaction::StoreTransaction(const Store &store)
    : m_store(store), m_begun(store.beginWrite())
{
    m_open = m_begun.ok();
}

StoreTransaction::~StoreTransaction()
{
    if (m_open)
        m_store.rollback();
}

Status StoreTransaction::commit()
{
    if (!m_open)
        return m_begun.ok() ? Status() : m_begun;
    Status s = m_store.commit();
    if (s)
        m_open = false;
    return s;
}

} // namespace passdeck
