<?php
/*
 * The demo GAR's people: pupils of the demo school, Collège Gustave Flaubert (UAI 0751234A), whose names are
 * those of its SIECLE list (services/organizations/src/organizations/demo/ElevesSansAdresses-demo.xml), and one
 * teacher. What the GAR sends of each, in its own short names:
 *   IDO  the person's opaque id at the GAR (the same for life, whatever the school)
 *   PRE  first name          NOM  last name
 *   UAI  the school's UAI    PRO  the profile: National_elv (a pupil), National_ens (a teacher)
 * Each signs in on the IdP's page with the user name and the password below (demo only).
 */
$pupil = function (string $ido, string $first, string $last): array {
    return ['IDO' => $ido, 'PRE' => $first, 'NOM' => $last, 'UAI' => '0751234A', 'PRO' => 'National_elv'];
};
$config = [
    'gar-demo' => [
        'exampleauth:UserPass',
        'lou.apprenant:Demo-Pass-2026!' => $pupil('e3b2c6f0a1d94e7c8b5a2f61d0c4a9e1', 'Lou', 'Apprenant'),
        'chloe.coeurderoy:Demo-Pass-2026!' => $pupil('9f1c27d4b8e04a6f93c1e5d7a2b8f046', 'Chloé', 'Cœurderoy'),
        'francois.lefevre:Demo-Pass-2026!' => $pupil('4a7e9b12c3d54f08a6e1b9c7d2f30e85', 'François', 'Lefèvre'),
        'zoe.ozturk:Demo-Pass-2026!' => $pupil('b60d3e8f7a2c41b9954e0c1f6a7d2b38', 'Zoë', 'Öztürk'),
        'prof.martin:Demo-Pass-2026!' => ['IDO' => '7c5a1e9d2b4f48e0a3c6d8b1f9e2a470', 'PRE' => 'Claire',
                                          'NOM' => 'Martin', 'UAI' => '0751234A', 'PRO' => 'National_ens'],
    ],
];
