"""What runs: accelerator jobs and their rules, inference and training workloads, load
profiles.
"""
