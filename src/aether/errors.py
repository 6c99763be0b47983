"""The one error type for bad input: one line per problem, naming file and field."""


class ScenarioError(Exception):
    """Input that cannot be used. Each entry of `problems` is one complete line for the user."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems
