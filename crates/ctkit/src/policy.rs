//! CT policies: which sets of SCTs make a certificate CT compliant.
