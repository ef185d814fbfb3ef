#pragma once

// Numbers the questions a form asks as it changes (a preview of its rules), so that
// only the answer to the latest is shown: an answer to an older one arrives late and
// is dropped.
class LatestAnswer
{
public:
    // The number of a new question.
    int ask() { return ++m_asked; }
    // Whether the answer to question `asked` is to the latest; if so, it is answered.
    bool take(int asked)
    {
        if (asked != m_asked)
            return false;
        m_answered = asked;
        return true;
    }
    bool isWaiting() const { return m_asked != m_answered; }

private:
    int m_asked = 0;
    int m_answered = 0;
};
