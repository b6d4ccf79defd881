"""The Streamlit dashboard: thin pages over the map model, the store and the analysis."""
