"""Teaching demonstrations: lessons a teacher can run in class (docs/teaching.md).

Each lesson is a Markdown file in this folder (its prose) and an entry of ``LESSONS`` in
``registry.py`` (what the dashboard loads and what the tests check).
"""

from greatleap.lessons.registry import LESSONS, Claim, Lesson

__all__ = ["LESSONS", "Claim", "Lesson", "lesson"]


def lesson(lesson_id: str) -> Lesson:
    for item in LESSONS:
        if item.id == lesson_id:
            return item
    raise KeyError(f"no lesson {lesson_id!r}; lessons: {', '.join(item.id for item in LESSONS)}")
