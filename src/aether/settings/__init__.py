"""The scenario's settings schemas and the hardware catalogue, below every stage.

Each stage reads its own section (orbit kinds live with the scenario itself); nothing
here imports a stage, so the scenario can be validated without loading the engine.
"""
